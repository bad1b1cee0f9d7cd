<?php
// This file is part of local_mofabridge.

/**
 * English strings.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['pluginname'] = 'Mofa.Sync bridge';
$string['host'] = 'RabbitMQ host';
$string['host_desc'] = 'The broker Mofa.Sync reads. Empty: nothing is published, the outbox keeps the messages.';
$string['port'] = 'RabbitMQ port';
$string['user'] = 'RabbitMQ user';
$string['password'] = 'RabbitMQ password';
$string['vhost'] = 'RabbitMQ virtual host';
$string['exchange'] = 'Exchange';
$string['exchange_desc'] = 'A durable topic exchange; Mofa.Sync binds its queues to it (RabbitMq:Exchange).';
$string['site'] = 'Site address sent';
$string['site_desc'] = 'Empty: this site\'s wwwroot. Mofa.Sync keys everything by it (Moodle:Sites).';
$string['retentiondays'] = 'Keep published rows (days)';
$string['retentiondays_desc'] = 'Published rows are deleted after this many days.';
$string['taskpublish'] = 'Publish the Mofa.Sync outbox';
$string['noamqplib'] = 'php-amqplib is missing: run composer require php-amqplib/php-amqplib in local/mofabridge, or install Debian\'s php-amqplib.';
$string['privacy:metadata:outbox'] = 'Messages waiting to be published to Mofa.Sync, and published ones for a few days.';
$string['privacy:metadata:outbox:userid'] = 'The user whose profile the message carries.';
$string['privacy:metadata:outbox:actorid'] = 'The user who caused the event.';
$string['privacy:metadata:outbox:fields'] = 'The message: course, module and role names, and the user\'s profile below.';
$string['privacy:metadata:mofasync'] = 'Mofa.Sync keeps a mirror of the site\'s courses, their modules and their teachers, and tells the teachers of changes.';
$string['privacy:metadata:mofasync:userid'] = 'The user\'s id.';
$string['privacy:metadata:mofasync:username'] = 'The user\'s username.';
$string['privacy:metadata:mofasync:email'] = 'The user\'s email address.';
$string['privacy:metadata:mofasync:firstname'] = 'The user\'s first name.';
$string['privacy:metadata:mofasync:lastname'] = 'The user\'s last name.';
$string['privacy:metadata:mofasync:roles'] = 'The teacher roles the user holds in each course.';
