<?php
// This file is part of local_mofabridge.

namespace local_mofabridge;

defined('MOODLE_INTERNAL') || die();

/**
 * The outbox table, local_mofabridge_outbox (db/install.xml), written by the internal observer
 * inside Moodle's own transaction and read by the publishing task after the commit:
 *  - a row is written once per message, with its eventId made then (never again);
 *  - the row's id is its sequence: inserted with 0 (the column is NOT NULL), then set to the id;
 *  - a quiz_questions_changed row derived from a trigger reuses the trigger's time, sequence and
 *    actor, and takes the id "{trigger eventId}:quiz:{quizId}";
 *  - publishing reads rows back, so a re-published row is the same message, byte for byte.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class outbox {
    /** The table. */
    public const TABLE = 'local_mofabridge_outbox';
    /** A row waiting to be published. */
    public const WAITING = 0;
    /** A row published (confirmed), or a trigger that is never published. */
    public const DONE = 1;
    /** An event whose translation failed: its data is kept, the task translates it again. */
    public const FAILED = 2;

    /** @var \moodle_database */
    private $db;

    /**
     * @param \moodle_database $db
     */
    public function __construct($db) {
        $this->db = $db;
    }

    /**
     * Records one message.
     *
     * @param string $eventname Moodle's event name
     * @param int $timecreated the event's timecreated
     * @param int $actorid the event's userid
     * @param array $fields the contract's fields after the envelope
     * @param int $userid the user whose profile the fields carry (0 for none), for the privacy API
     * @return array the row
     */
    public function record(string $eventname, int $timecreated, int $actorid, array $fields, int $userid = 0): array {
        return $this->insert($eventname, $timecreated, $actorid, $fields, $userid, self::WAITING);
    }

    /**
     * Records an event that is no message of its own but derives quiz lists (slot and question
     * events): a row for its eventId and sequence, never published.
     *
     * @param string $eventname
     * @param int $timecreated
     * @param int $actorid
     * @return array the row
     */
    public function record_trigger(string $eventname, int $timecreated, int $actorid): array {
        return $this->insert($eventname, $timecreated, $actorid, [], 0, self::DONE);
    }

    /**
     * Records the quiz_questions_changed of one quiz, derived from the row of the event that changed it.
     *
     * @param array $trigger the trigger's row
     * @param int $quizid
     * @param array $fields courseId, quizId, quizCmId, questions
     * @return array the row
     */
    public function record_quiz_list(array $trigger, int $quizid, array $fields): array {
        $row = [
            'eventid' => $trigger['eventid'] . ':quiz:' . $quizid,
            'eventname' => '\\mod_quiz\\event\\quiz_questions_changed',
            'timecreated' => (int)$trigger['timecreated'],
            'sequence' => (int)$trigger['sequence'],
            'actorid' => (int)$trigger['actorid'],
            'userid' => 0,
            'fields' => json_encode($fields, envelope::JSON_FLAGS),
            'state' => self::WAITING,
        ];
        $row['id'] = (int)$this->db->insert_record(self::TABLE, (object)$row);
        $row['fields'] = $fields;
        return $row;
    }

    /**
     * Keeps an event whose translation failed, with its data, for the task to translate again.
     *
     * @param array $eventdata $event->get_data()
     * @return int the row's id
     */
    public function keep_failed(array $eventdata): int {
        return (int)$this->db->insert_record(self::TABLE, (object)[
            'eventid' => envelope::uuid(),
            'eventname' => (string)($eventdata['eventname'] ?? ''),
            'timecreated' => (int)($eventdata['timecreated'] ?? 0),
            'sequence' => 0,
            'actorid' => (int)($eventdata['userid'] ?? 0),
            'userid' => (int)($eventdata['relateduserid'] ?? 0),
            'fields' => json_encode($eventdata, envelope::JSON_FLAGS),
            'state' => self::FAILED,
        ]);
    }

    /**
     * @param int $limit
     * @return array[] the rows waiting to be published, oldest first, fields decoded
     */
    public function waiting(int $limit): array {
        return $this->rows(self::WAITING, $limit);
    }

    /**
     * @param int $limit
     * @return array[] the kept events whose translation failed, oldest first, fields = the event's data
     */
    public function failed(int $limit): array {
        return $this->rows(self::FAILED, $limit);
    }

    /**
     * @param int $id the row's id
     */
    public function mark_done(int $id): void {
        $this->db->set_field(self::TABLE, 'state', self::DONE, ['id' => $id]);
    }

    /**
     * @param string $eventname
     * @param int $timecreated
     * @param int $actorid
     * @param array $fields
     * @param int $userid
     * @param int $state
     * @return array the row
     */
    private function insert(string $eventname, int $timecreated, int $actorid, array $fields, int $userid, int $state): array {
        $row = [
            'eventid' => envelope::uuid(),
            'eventname' => $eventname,
            'timecreated' => $timecreated,
            'sequence' => 0,
            'actorid' => $actorid,
            'userid' => $userid,
            'fields' => json_encode($fields, envelope::JSON_FLAGS),
            'state' => $state,
        ];
        $row['id'] = (int)$this->db->insert_record(self::TABLE, (object)$row);
        // The id is known only now: it becomes the sequence, in the same transaction.
        $this->db->set_field(self::TABLE, 'sequence', $row['id'], ['id' => $row['id']]);
        $row['sequence'] = $row['id'];
        $row['fields'] = $fields;
        return $row;
    }

    /**
     * @param int $state
     * @param int $limit
     * @return array[]
     */
    private function rows(int $state, int $limit): array {
        $rows = [];
        foreach ($this->db->get_records(self::TABLE, ['state' => $state], 'id', '*', 0, $limit) ?: [] as $record) {
            $row = (array)$record;
            $row['fields'] = json_decode((string)$record->fields, true, 512, JSON_THROW_ON_ERROR);
            if ((int)$row['sequence'] === 0) {
                // Outside a transaction a crash can fall between the insert and the update: the id it was to get.
                $row['sequence'] = $row['id'];
            }
            $rows[] = $row;
        }
        return $rows;
    }
}
