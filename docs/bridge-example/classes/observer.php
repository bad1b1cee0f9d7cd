<?php
// This file is part of local_mofabridge.

namespace local_mofabridge;

defined('MOODLE_INTERNAL') || die();

/**
 * The event observer db/events.php registers. It must never break the user's action: Moodle's
 * event manager catches only \Exception around an observer (lib/classes/event/manager.php,
 * process_buffers), so an \Error (a TypeError, a call on null) would fail the teacher's save. Any
 * \Throwable is caught here: the event's data is kept in the outbox (state FAILED) for the task to
 * translate again, and when even that fails (the database itself refused), one line in the PHP
 * error log says which event is lost and what to run.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class observer {
    /**
     * The callback: a static method taking the event.
     *
     * @param \core\event\base $event
     */
    public static function handle(\core\event\base $event): void {
        global $DB;
        self::record($event->get_data(), $DB);
    }

    /**
     * Translates one event into outbox rows, never throwing.
     *
     * @param array $eventdata $event->get_data()
     * @param \moodle_database $db
     * @return array[] the rows recorded (empty when none, or when the event was kept or lost)
     */
    public static function record(array $eventdata, $db): array {
        try {
            return (new event_translator(new moodle_reader($db), new outbox($db)))->translate($eventdata);
        } catch (\Throwable $failure) {
            self::keep($eventdata, $db, $failure);
            return [];
        }
    }

    /**
     * Keeps a failed event in the outbox, or says it is lost.
     *
     * @param array $eventdata
     * @param \moodle_database $db
     * @param \Throwable $failure
     */
    private static function keep(array $eventdata, $db, \Throwable $failure): void {
        try {
            (new outbox($db))->keep_failed($eventdata);
            error_log('local_mofabridge: ' . self::describe($eventdata) . ' could not be translated (' . self::reason($failure)
                . '); it is kept in the outbox and the publishing task tries again');
        } catch (\Throwable $again) {
            $courseid = (int)($eventdata['courseid'] ?? 0);
            error_log('local_mofabridge: LOST ' . self::describe($eventdata) . ': neither translated (' . self::reason($failure)
                . ') nor kept (' . self::reason($again) . '). Mofa.Sync will not hear of it: '
                . ($courseid > 1 ? "run `mofa-sync reconcile --course {$courseid}` for this site" : 'run `mofa-sync reconcile` for this site'));
        }
    }

    /**
     * @param array $eventdata
     * @return string e.g. "event \core\event\course_module_updated (course 101, object 2008, time 1788164520)"
     */
    private static function describe(array $eventdata): string {
        return sprintf('event %s (course %d, object %d, time %d)', (string)($eventdata['eventname'] ?? '?'),
            (int)($eventdata['courseid'] ?? 0), (int)($eventdata['objectid'] ?? 0), (int)($eventdata['timecreated'] ?? 0));
    }

    /**
     * @param \Throwable $e
     * @return string its class and first line, without the trace
     */
    private static function reason(\Throwable $e): string {
        return get_class($e) . ': ' . strtok($e->getMessage() . "\n", "\n");
    }
}
