<?php
// Runs the plugin's own classes without Moodle: a stand-in of $DB (example/memory_db.php) holding
// a site's tables, a term start's events through the observer into the outbox table, then the
// outbox published with confirms, as the scheduled task does; finally three rows published again,
// as after a lost confirm.
//
//   MOODLE_WWWROOT=https://moodle.example.edu php docs/bridge-example/publish-example.php
//
// Settings come from the environment: AMQP_HOST (localhost), AMQP_PORT (5672), AMQP_USER (guest),
// AMQP_PASSWORD (guest), AMQP_VHOST (/), AMQP_EXCHANGE (moodle.events), MOODLE_WWWROOT (required).
// Prints one JSON line per message published.

declare(strict_types=1);

use local_mofabridge\envelope;
use local_mofabridge\example\example_site;
use local_mofabridge\example\memory_db;
use local_mofabridge\observer;
use local_mofabridge\outbox;
use local_mofabridge\publisher;
use local_mofabridge\task\publish_outbox;
use PhpAmqpLib\Connection\AMQPStreamConnection;

// php-amqplib: Composer's autoloader when there is one, else Debian's php-amqplib package.
$autoloaders = [__DIR__ . '/vendor/autoload.php', '/usr/share/php/PhpAmqpLib/autoload.php'];
$autoloader = current(array_filter($autoloaders, 'is_file'));
if ($autoloader === false) {
    fwrite(STDERR, "php-amqplib not found: apt-get install php-amqplib, or composer require php-amqplib/php-amqplib\n");
    exit(2);
}
require_once $autoloader;
require_once __DIR__ . '/example/moodle_stubs.php';
// The task's class extends Moodle's; outside Moodle an empty base stands in (publish() is static).
if (!class_exists('core\task\scheduled_task')) {
    eval('namespace core\task; abstract class scheduled_task {}');
}

$env = function (string $name, string $default): string {
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
};
$site = $env('MOODLE_WWWROOT', '');
if ($site === '') {
    fwrite(STDERR, "MOODLE_WWWROOT is required (the site's \$CFG->wwwroot, e.g. https://moodle.example.edu)\n");
    exit(2);
}

$db = new memory_db();
$moodle = new example_site($db);
$t = time() - 60;
$fire = function (array $event) use ($db): void {
    observer::record($event, $db);
};

// The site as it is before the events; then each change as Moodle makes it, and its event.
$course = $moodle->add_course(101, 'Introduction à la programmation 🐍', 'CS101');
$category = $moodle->add_category(7);
// An account made by an authentication plugin: no first name, no email.
$moodle->add_user(311, 'm.lindqvist', '', '', 'Lindqvist');
$moodle->add_user(312, 'k.tanaka', 'k.tanaka@moodle.example.edu', 'Kenji', '田中');
$moodle->add_user(400, 'dean', 'dean@moodle.example.edu', 'Dana', 'Dean');

$fire(['eventname' => '\core\event\course_created', 'timecreated' => $t, 'userid' => '2', 'courseid' => '101', 'objectid' => '101']);
$quiz = $moodle->add_module(101, 2008, 'quiz', 'Week 1 quiz');
$fire(['eventname' => '\core\event\course_module_created', 'timecreated' => $t + 1, 'userid' => '311', 'courseid' => '101', 'objectid' => '2008']);
// Renamed in the same second: the outbox row's id (the sequence) orders the two.
$moodle->rename_module('quiz', $quiz, 'Week 1 quiz: variables and types');
$fire(['eventname' => '\core\event\course_module_updated', 'timecreated' => $t + 1, 'userid' => '311', 'courseid' => '101', 'objectid' => '2008']);
// Moodle 5.0's question bank of the course: not course content (FEATURE_CAN_DISPLAY false), not sent.
$moodle->add_module(101, 2009, 'qbank', 'CS101 course question bank');
$fire(['eventname' => '\core\event\course_module_created', 'timecreated' => $t + 1, 'userid' => '2', 'courseid' => '101', 'objectid' => '2009']);
$moodle->assign(311, 'editingteacher', $course);
$fire(['eventname' => '\core\event\role_assigned', 'timecreated' => $t + 2, 'userid' => '2', 'courseid' => '101',
    'objectid' => '3', 'relateduserid' => '311', 'contextid' => (string)$course, 'contextlevel' => '50']);
// A manager at category level: not a course's teacher, not sent.
$moodle->assign(400, 'manager', $category);
$fire(['eventname' => '\core\event\role_assigned', 'timecreated' => $t + 2, 'userid' => '2', 'courseid' => '0',
    'objectid' => '1', 'relateduserid' => '400', 'contextid' => (string)$category, 'contextlevel' => '40']);
// A second teacher, enrolled twice (manually and by a meta link); one copy removed: still a teacher, not sent.
$moodle->assign(312, 'editingteacher', $course);
$fire(['eventname' => '\core\event\role_assigned', 'timecreated' => $t + 2, 'userid' => '2', 'courseid' => '101',
    'objectid' => '3', 'relateduserid' => '312', 'contextid' => (string)$course, 'contextlevel' => '50']);
$moodle->assign(312, 'editingteacher', $course, 'enrol_meta', 4);
$moodle->unassign(312, 'editingteacher', $course);
$fire(['eventname' => '\core\event\role_unassigned', 'timecreated' => $t + 3, 'userid' => '2', 'courseid' => '101',
    'objectid' => '3', 'relateduserid' => '312', 'contextid' => (string)$course, 'contextlevel' => '50']);
// Two questions added in one second, then a random slot.
$moodle->add_version(7001, 1, 'What does print() return?');
$moodle->add_version(7003, 1, 'Strings are immutable');
$slot = $moodle->add_slot($quiz, 1, 7001);
$fire(['eventname' => '\mod_quiz\event\slot_created', 'timecreated' => $t + 3, 'userid' => '311', 'courseid' => '101',
    'objectid' => (string)$slot, 'contextinstanceid' => '2008', 'other' => ['quizid' => (string)$quiz]]);
$slot = $moodle->add_slot($quiz, 2, 7003);
$moodle->add_random_slot($quiz, 3);
$fire(['eventname' => '\mod_quiz\event\slot_created', 'timecreated' => $t + 3, 'userid' => '311', 'courseid' => '101',
    'objectid' => (string)$slot, 'contextinstanceid' => '2008', 'other' => ['quizid' => (string)$quiz]]);
$db->set_field('user', 'lastname', 'Lindqvist-Öberg', ['id' => 311]);
$fire(['eventname' => '\core\event\user_updated', 'timecreated' => $t + 4, 'userid' => '311', 'courseid' => '0', 'objectid' => '311']);
// Saving question 7001 makes version 2 and fires question_created (question/type/questiontypebase.php).
$question = $moodle->add_version(7001, 2, 'What does print() return? (v2)');
$fire(['eventname' => '\core\event\question_created', 'timecreated' => $t + 5, 'userid' => '311', 'courseid' => '101', 'objectid' => (string)$question]);

$connection = new AMQPStreamConnection($env('AMQP_HOST', 'localhost'), (int)$env('AMQP_PORT', '5672'),
    $env('AMQP_USER', 'guest'), $env('AMQP_PASSWORD', 'guest'), $env('AMQP_VHOST', '/'));
$publisher = new publisher($connection, $env('AMQP_EXCHANGE', 'moodle.events'));
$report = function (array $confirmed): void {
    foreach ($confirmed as $eventid => $body) {
        echo json_encode(['eventId' => $eventid, 'body' => $body], envelope::JSON_FLAGS), "\n";
    }
};

// The publishing task: every waiting row, in id order, marked done once confirmed.
$outbox = new outbox($db);
$published = [];
$all = function () use ($db): array {
    return array_values($db->get_records(outbox::TABLE, [], 'id'));
};
publish_outbox::publish($outbox, $publisher, $site);
foreach ($all() as $row) {
    if ($row->fields !== '[]') {
        $published[] = array_merge((array)$row, ['fields' => json_decode($row->fields, true)]);
    }
}
$report(array_combine(array_column($published, 'eventid'), array_map(function (array $row) use ($site): string {
    return envelope::body($site, $row);
}, $published)));
$unconfirmed = count($outbox->waiting(1000));

// A confirm lost on the way: the first three rows go again, read from the outbox, so the same messages.
$report($publisher->publish($site, array_slice($published, 0, 3)));

$publisher->close();
$connection->close();
exit($unconfirmed === 0 ? 0 : 1);
