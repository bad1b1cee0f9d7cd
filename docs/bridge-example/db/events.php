<?php
// This file is part of local_mofabridge.

/**
 * The events the bridge observes (lib/classes/event/manager.php reads $observers).
 *
 * 'callback' is a static method taking the event (manager.php calls it with call_user_func).
 * 'internal' => true: the observer runs at once, inside the caller's database transaction, so the
 * outbox row commits or rolls back with Moodle's own change (manager.php; it is the default for
 * plugins, written here because the bridge depends on it).
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$observers = [];
foreach (\local_mofabridge\event_translator::OBSERVED as $eventname) {
    $observers[] = [
        'eventname' => $eventname,
        'callback' => '\local_mofabridge\observer::handle',
        'internal' => true,
    ];
}
