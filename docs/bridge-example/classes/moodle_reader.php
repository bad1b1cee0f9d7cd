<?php
// This file is part of local_mofabridge.

namespace local_mofabridge;

defined('MOODLE_INTERNAL') || die();

/**
 * What the bridge reads from Moodle when an event fires, through $DB's simple calls (get_record,
 * get_field, get_records, record_exists with a conditions array), so that the tests run this very
 * class against a stand-in of $DB. Moodle's $DB returns every column as a string and `false` for a
 * record or field that is not there (lib/dml/moodle_database.php, IGNORE_MISSING): every method
 * turns `false` into null or an empty list, never into a TypeError.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class moodle_reader {
    /** @var \moodle_database Moodle's $DB (or a stand-in with the same answers) */
    private $db;

    /** @var array<string, int|null> modules.id by name, read once */
    private $moduleids = [];

    /**
     * @param \moodle_database $db
     */
    public function __construct($db) {
        $this->db = $db;
    }

    /**
     * @param int $id course.id
     * @return \stdClass|null id, fullname, shortname; null when the course is gone
     */
    public function course(int $id): ?\stdClass {
        return self::record($this->db->get_record('course', ['id' => $id], 'id, fullname, shortname'));
    }

    /**
     * A course module with its modname and its instance's name (what get_coursemodule_from_id() joins).
     *
     * @param int $cmid course_modules.id
     * @return \stdClass|null id, course, modname, instance, name; null when any part is gone
     */
    public function course_module(int $cmid): ?\stdClass {
        $cm = self::record($this->db->get_record('course_modules', ['id' => $cmid], 'id, course, module, instance'));
        if ($cm === null) {
            return null;
        }
        $modname = $this->db->get_field('modules', 'name', ['id' => $cm->module]);
        if ($modname === false) {
            return null;
        }
        $name = $this->db->get_field($modname, 'name', ['id' => $cm->instance]);
        if ($name === false) {
            return null;
        }
        return (object)['id' => $cm->id, 'course' => $cm->course, 'modname' => $modname, 'instance' => $cm->instance, 'name' => $name];
    }

    /**
     * Whether a module type is course content. Moodle's own test: plugin_supports('mod', $modname,
     * FEATURE_CAN_DISPLAY, true) (lib/modinfolib.php, cm_info); Moodle 5.0's qbank answers false
     * (mod/qbank/lib.php): a question bank, hidden, one per course, not an activity.
     *
     * @param string $modname
     * @return bool
     */
    public function is_course_content(string $modname): bool {
        return plugin_supports('mod', $modname, FEATURE_CAN_DISPLAY, true) !== false;
    }

    /**
     * @param int $id user.id
     * @return \stdClass|null id, username, email, firstname, lastname; null when gone or deleted
     */
    public function user(int $id): ?\stdClass {
        return self::record($this->db->get_record('user', ['id' => $id, 'deleted' => 0], 'id, username, email, firstname, lastname'));
    }

    /**
     * @param int $roleid
     * @return string|null role.shortname; null when the role is gone
     */
    public function role_shortname(int $roleid): ?string {
        $shortname = $this->db->get_field('role', 'shortname', ['id' => $roleid]);
        return $shortname === false ? null : (string)$shortname;
    }

    /**
     * Does the user still hold the role in exactly this context? role_assignments with that
     * contextid, any component or itemid (a manual enrolment, a meta link, a cohort each make a
     * row). Not user_has_role_assignment() (lib/accesslib.php), which counts the context's
     * parents too: a category manager would then never lose the course's role in the mirror.
     *
     * @param int $userid
     * @param int $roleid
     * @param int $contextid the course's context
     * @return bool
     */
    public function holds_role_in_context(int $userid, int $roleid, int $contextid): bool {
        return $this->db->record_exists('role_assignments', ['userid' => $userid, 'roleid' => $roleid, 'contextid' => $contextid]);
    }

    /**
     * @param int $questionid question.id (one version)
     * @return int|null its question_bank_entries.id
     */
    public function question_bank_entry(int $questionid): ?int {
        $entry = $this->db->get_field('question_versions', 'questionbankentryid', ['questionid' => $questionid]);
        return $entry === false ? null : (int)$entry;
    }

    /**
     * The fixed questions of a quiz, in slot order, each bank entry once: questionbankentryid and
     * the name of the version the slot shows (slot_version). Random slots (a
     * question_set_references row instead of a question_references row) and slots that resolve
     * to no question are left out.
     *
     * @param int $quizid
     * @return array[] questionId, name
     */
    public function quiz_questions(int $quizid): array {
        $questions = [];
        $slots = $this->db->get_records('quiz_slots', ['quizid' => $quizid], 'slot', 'id, slot');
        foreach ($slots ?: [] as $slot) {
            $reference = self::record($this->db->get_record('question_references',
                ['component' => 'mod_quiz', 'questionarea' => 'slot', 'itemid' => $slot->id], 'questionbankentryid, version'));
            if ($reference === null) {
                continue;   // a random slot: no fixed question
            }
            $entry = (int)$reference->questionbankentryid;
            $versions = $this->db->get_records('question_versions', ['questionbankentryid' => $entry], 'version DESC', 'id, version, questionid, status');
            $chosen = slot_version::choose($reference->version, array_values($versions ?: []));
            $name = $chosen === null ? false : $this->db->get_field('question', 'name', ['id' => $chosen->questionid]);
            if ($name === false || (string)$name === '' || isset($questions[$entry])) {
                continue;   // resolves to no question (Moodle shows "missing question"), or the entry again
            }
            $questions[$entry] = ['questionId' => $entry, 'name' => (string)$name];
        }
        return array_values($questions);
    }

    /**
     * Every quiz with a slot that references the bank entry (question_references with component
     * mod_quiz and questionarea slot; itemid is the quiz_slots.id).
     *
     * @param int $entry question_bank_entries.id
     * @return \stdClass[] id, course, cmid
     */
    public function quizzes_using_entry(int $entry): array {
        $quizzes = [];
        $references = $this->db->get_records('question_references',
            ['component' => 'mod_quiz', 'questionarea' => 'slot', 'questionbankentryid' => $entry], 'id', 'id, itemid');
        foreach ($references ?: [] as $reference) {
            $quizid = $this->db->get_field('quiz_slots', 'quizid', ['id' => $reference->itemid]);
            if ($quizid !== false && !isset($quizzes[(int)$quizid]) && ($quiz = $this->quiz((int)$quizid)) !== null) {
                $quizzes[(int)$quizid] = $quiz;
            }
        }
        return array_values($quizzes);
    }

    /**
     * Every quiz of a course (after a restore, whole or from the recycle bin), or of the site.
     *
     * @param int $courseid 0 for every course
     * @return \stdClass[] id, course, cmid
     */
    public function course_quizzes(int $courseid): array {
        $quizzes = [];
        foreach ($this->db->get_records('quiz', $courseid > 0 ? ['course' => $courseid] : [], 'id', 'id') ?: [] as $row) {
            if (($quiz = $this->quiz((int)$row->id)) !== null) {
                $quizzes[] = $quiz;
            }
        }
        return $quizzes;
    }

    /**
     * @param int $quizid
     * @return \stdClass|null id, course, cmid; null when the quiz or its course module is gone
     */
    private function quiz(int $quizid): ?\stdClass {
        $course = $this->db->get_field('quiz', 'course', ['id' => $quizid]);
        $moduleid = $this->module_id('quiz');
        if ($course === false || $moduleid === null) {
            return null;
        }
        $cmid = $this->db->get_field('course_modules', 'id', ['module' => $moduleid, 'instance' => $quizid]);
        return $cmid === false ? null : (object)['id' => $quizid, 'course' => (int)$course, 'cmid' => (int)$cmid];
    }

    /**
     * @param string $modname
     * @return int|null modules.id
     */
    private function module_id(string $modname): ?int {
        if (!array_key_exists($modname, $this->moduleids)) {
            $id = $this->db->get_field('modules', 'id', ['name' => $modname]);
            $this->moduleids[$modname] = $id === false ? null : (int)$id;
        }
        return $this->moduleids[$modname];
    }

    /**
     * @param \stdClass|false $record what get_record() returned
     * @return \stdClass|null
     */
    private static function record($record): ?\stdClass {
        return $record === false ? null : $record;
    }
}
