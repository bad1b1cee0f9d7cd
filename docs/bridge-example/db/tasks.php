<?php
// This file is part of local_mofabridge.

/**
 * Scheduled tasks (lib/db/tasks.php format, read by \core\task\manager::load_default_scheduled_tasks_for_component).
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$tasks = [
    [
        // Every minute: publishes the outbox's committed rows, with confirms.
        'classname' => '\local_mofabridge\task\publish_outbox',
        'blocking' => 0,
        'minute' => '*',
        'hour' => '*',
        'day' => '*',
        'month' => '*',
        'dayofweek' => '*',
    ],
];
