<?php
// The observer's decisions, run through the plugin's own classes (observer, event_translator,
// moodle_reader, outbox) against a stand-in of $DB whose answers follow Moodle's source
// (example/memory_db.php, example/example_site.php). Each test names the Moodle file it follows.

declare(strict_types=1);

use local_mofabridge\event_translator;
use local_mofabridge\example\example_site;
use local_mofabridge\example\memory_db;
use local_mofabridge\observer;
use local_mofabridge\outbox;
use local_mofabridge\task\publish_outbox;
use PHPUnit\Framework\TestCase;

final class EventTranslatorTest extends TestCase
{
    /** @var memory_db */
    private $db;
    /** @var example_site */
    private $site;
    /** @var int */
    private $course;
    /** @var string */
    private $log;

    protected function setUp(): void
    {
        $this->db = new memory_db();
        $this->site = new example_site($this->db);
        $this->course = $this->site->add_course(101, 'Algebra I', 'ALG1');
        $this->site->add_user(311, 'm.lindqvist', 'm@example.edu', 'Maria', 'Lindqvist');
        $this->log = tempnam(sys_get_temp_dir(), 'mofabridge-log-');
        ini_set('error_log', $this->log);
    }

    protected function tearDown(): void
    {
        ini_restore('error_log');
        @unlink($this->log);
    }

    /** Fires an event through the observer as Moodle's event manager would; returns the rows recorded. */
    private function fire(string $name, array $data): array
    {
        return observer::record(['eventname' => $name, 'timecreated' => 1788000000, 'userid' => '2'] + $data, $this->db);
    }

    private function role_event(string $name, int $userid, string $role, int $contextid, int $courseid = 101, int $level = 50): array
    {
        return $this->fire($name, ['courseid' => (string)$courseid, 'objectid' => (string)$this->site->role_id($role),
            'relateduserid' => (string)$userid, 'contextid' => (string)$contextid, 'contextlevel' => (string)$level]);
    }

    private static function names(array $rows): array
    {
        return array_map(function (array $row): string {
            return $row['eventname'];
        }, $rows);
    }

    /**
     * lib/accesslib.php: user_has_role_assignment() counts the context's parents, so a category
     * manager who loses the course's role would keep it in the mirror. role_assignments rows with
     * the course's contextid decide; a second copy in the course itself (a meta link) still holds.
     */
    public function test_an_unassignment_is_decided_by_the_course_context_alone(): void
    {
        $category = $this->site->add_category(7);
        $this->site->assign(311, 'manager', $category);
        $this->site->assign(311, 'manager', $this->course);
        $this->site->unassign(311, 'manager', $this->course);
        $rows = $this->role_event('\core\event\role_unassigned', 311, 'manager', $this->course);
        $this->assertSame(['\core\event\role_unassigned'], self::names($rows));
        $this->assertSame(['courseId' => 101, 'userId' => 311, 'roleShortName' => 'manager'], $rows[0]['fields']);

        // The same role twice in the course (manual and enrol_meta rows): one removed, not sent.
        $this->site->assign(311, 'editingteacher', $this->course);
        $this->site->assign(311, 'editingteacher', $this->course, 'enrol_meta', 4);
        $this->site->unassign(311, 'editingteacher', $this->course, 'enrol_meta', 4);
        $this->assertSame([], $this->role_event('\core\event\role_unassigned', 311, 'editingteacher', $this->course));

        // The category assignment itself is no course's: not sent.
        $this->assertSame([], $this->role_event('\core\event\role_assigned', 311, 'manager', $category, 0, 40));
    }

    /**
     * lib/dml/moodle_database.php: get_record() and get_field() return false for what is not
     * there. Each such answer leaves the event out instead of failing the user's action.
     */
    public function test_false_from_db_leaves_the_event_out_without_an_error(): void
    {
        $this->assertSame([], $this->fire('\core\event\course_updated', ['courseid' => '555', 'objectid' => '555']));
        $quiz = $this->site->add_module(101, 2008, 'quiz', 'Week 1');
        $this->db->delete_records('quiz', ['id' => $quiz]);   // the instance gone first, as course_delete_module() does
        $this->assertSame([], $this->fire('\core\event\course_module_updated', ['courseid' => '101', 'objectid' => '2008']));
        $this->assertSame([], $this->fire('\core\event\course_module_updated', ['courseid' => '101', 'objectid' => '9999']));
        $this->assertSame([], $this->fire('\core\event\user_updated', ['courseid' => '0', 'objectid' => '404']));
        // A role deleted: delete_role() unassigns everyone first; role.shortname is gone by then.
        $this->assertSame([], $this->fire('\core\event\role_unassigned', ['courseid' => '101', 'objectid' => '77',
            'relateduserid' => '311', 'contextid' => (string)$this->course, 'contextlevel' => '50']));
        $this->assertSame([], $this->fire('\core\event\question_created', ['courseid' => '101', 'objectid' => '123456']));
        $this->assertSame([], $this->db->get_records(outbox::TABLE), 'nothing recorded, nothing kept as failed');
        $this->assertSame('', (string)file_get_contents($this->log));
    }

    /**
     * mod/quiz/classes/question/bank/qbank_helper.php (get_question_structure): the pinned
     * version, else the highest version that is not a draft (ready or hidden), else the highest draft.
     */
    public function test_a_slot_shows_the_pinned_else_the_highest_non_draft_else_the_highest_draft_version(): void
    {
        $quiz = $this->site->add_module(101, 2008, 'quiz', 'Week 1');
        $this->site->add_version(7001, 1, 'Ready v1');
        $this->site->add_version(7001, 2, 'Hidden v2', 'hidden');   // "deleted" while in use: only hidden, no event
        $this->site->add_version(7001, 3, 'Draft v3', 'draft');
        $this->site->add_version(7002, 1, 'Draft only v1', 'draft');
        $this->site->add_version(7002, 2, 'Draft only v2', 'draft');
        $this->site->add_version(7003, 1, 'Pinned v1');
        $this->site->add_version(7003, 2, 'Newer v2');
        $this->site->add_slot($quiz, 1, 7001);
        $this->site->add_slot($quiz, 2, 7002);
        $slot = $this->site->add_slot($quiz, 3, 7003, 1);

        $rows = $this->fire('\mod_quiz\event\slot_created', ['courseid' => '101', 'objectid' => (string)$slot,
            'contextinstanceid' => '2008', 'other' => ['quizid' => (string)$quiz]]);

        $this->assertSame([
            ['questionId' => 7001, 'name' => 'Hidden v2'],
            ['questionId' => 7002, 'name' => 'Draft only v2'],
            ['questionId' => 7003, 'name' => 'Pinned v1'],
        ], $rows[0]['fields']['questions']);
    }

    /**
     * qbank_helper.php: a slot that resolves to no question is shown as "missing question"; sent as
     * "" it would break the 1-255 rule and the whole list would be rejected. It is left out, as a
     * random slot (question_set_references) is.
     */
    public function test_an_unresolvable_slot_and_a_random_slot_are_left_out(): void
    {
        $quiz = $this->site->add_module(101, 2008, 'quiz', 'Week 1');
        $this->site->add_version(7001, 1, 'Kept');
        $this->site->add_version(7004, 1, 'Only v1');
        $this->site->add_slot($quiz, 1, 7001);
        $this->site->add_slot($quiz, 2, 7004, 9);      // pinned to a version that does not exist
        $this->site->add_slot($quiz, 3, 7999);         // an entry with no versions left
        $slot = $this->site->add_random_slot($quiz, 4);

        $rows = $this->fire('\mod_quiz\event\slot_created', ['courseid' => '101', 'objectid' => (string)$slot,
            'contextinstanceid' => '2008', 'other' => ['quizid' => (string)$quiz]]);

        $this->assertSame([['questionId' => 7001, 'name' => 'Kept']], $rows[0]['fields']['questions']);
    }

    /**
     * admin/tool/recyclebin/classes/course_bin.php (restore_item): the activity comes back through a
     * restore into the existing course under a new cmid, with its slots written by the restore (no
     * slot events), and only course_bin_item_restored fires (backup/util/plan/restore_plan.class.php
     * fires course_restored for whole-course restores only). The bridge sends courseId and the lists.
     */
    public function test_a_recycle_bin_restore_sends_the_course_and_the_restored_quiz_list(): void
    {
        $quiz = $this->site->add_module(101, 3050, 'quiz', 'Restored quiz');
        $this->site->add_version(7001, 1, 'Back again');
        $this->site->add_slot($quiz, 1, 7001);

        $rows = $this->fire('\tool_recyclebin\event\course_bin_item_restored', ['courseid' => '101', 'objectid' => '12']);

        $this->assertSame(['\tool_recyclebin\event\course_bin_item_restored', '\mod_quiz\event\quiz_questions_changed'], self::names($rows));
        $this->assertSame(['courseId' => 101], $rows[0]['fields']);
        $this->assertSame(['courseId' => 101, 'quizId' => $quiz, 'quizCmId' => 3050,
            'questions' => [['questionId' => 7001, 'name' => 'Back again']]], $rows[1]['fields']);
        $this->assertSame($rows[0]['eventid'] . ':quiz:' . $quiz, $rows[1]['eventid']);
        $this->assertSame($rows[0]['sequence'], $rows[1]['sequence']);
    }

    /** lib/classes/event/course_restored.php, course_reset_ended.php, course_content_deleted.php: courseId only, lists after a restore. */
    public function test_the_reconcile_events_carry_the_course_id(): void
    {
        $this->site->add_module(101, 2008, 'quiz', 'Week 1');
        $this->assertSame(['\core\event\course_restored', '\mod_quiz\event\quiz_questions_changed'],
            self::names($this->fire('\core\event\course_restored', ['courseid' => '101', 'objectid' => '101'])));
        foreach (['\core\event\course_reset_ended', '\core\event\course_content_deleted'] as $name) {
            $rows = $this->fire($name, ['courseid' => '101', 'objectid' => '101']);
            $this->assertSame([$name], self::names($rows));
            $this->assertSame(['courseId' => 101], $rows[0]['fields']);
        }
    }

    /**
     * mod/qbank/lib.php: qbank_supports(FEATURE_CAN_DISPLAY) is false; lib/modinfolib.php asks
     * plugin_supports('mod', $modname, FEATURE_CAN_DISPLAY, true). Not course content: not sent.
     */
    public function test_a_qbank_module_is_not_sent(): void
    {
        $this->site->add_module(101, 2009, 'qbank', 'ALG1 course question bank');
        $this->assertSame([], $this->fire('\core\event\course_module_created', ['courseid' => '101', 'objectid' => '2009']));
        $this->assertSame([], $this->fire('\core\event\course_module_deleted', ['courseid' => '101', 'objectid' => '2009',
            'other' => ['modulename' => 'qbank', 'instanceid' => '1']]));
        $this->site->add_module(101, 2010, 'page', 'Syllabus');
        $this->assertSame(['\core\event\course_module_created'],
            self::names($this->fire('\core\event\course_module_created', ['courseid' => '101', 'objectid' => '2010'])));
    }

    /** lib/setup.php: the front page is course SITEID (1); its modules and roles are no course's. */
    public function test_the_front_page_is_not_sent(): void
    {
        $front = $this->site->add_course(1, 'Moodle', 'home');
        $this->site->add_module(1, 5, 'page', 'Site news');
        $this->assertSame([], $this->fire('\core\event\course_module_created', ['courseid' => '1', 'objectid' => '5']));
        $this->site->assign(311, 'editingteacher', $front);
        $this->assertSame([], $this->role_event('\core\event\role_assigned', 311, 'editingteacher', $front, 1));
        $this->assertSame([], $this->fire('\core\event\course_updated', ['courseid' => '1', 'objectid' => '1']));
    }

    /**
     * lib/classes/event/manager.php catches only \Exception around an observer: a TypeError would
     * fail the user's save. The observer catches any \Throwable, keeps the event in the outbox and
     * says so in the error log; the task translates it again once the reads work.
     */
    public function test_a_failing_read_never_breaks_the_action_and_the_event_is_kept_then_translated(): void
    {
        $this->site->add_module(101, 2008, 'page', 'Syllabus');
        $this->db->failures['get_record course_modules'] = new \TypeError('Return value must be of type ?stdClass, bool returned');

        $rows = $this->fire('\core\event\course_module_updated', ['courseid' => '101', 'objectid' => '2008']);

        $this->assertSame([], $rows);
        $this->assertCount(1, (new outbox($this->db))->failed(10));
        $this->assertStringContainsString('local_mofabridge: event \core\event\course_module_updated (course 101, object 2008, time 1788000000)'
            . ' could not be translated (TypeError: Return value must be of type ?stdClass, bool returned); it is kept in the outbox',
            (string)file_get_contents($this->log));

        unset($this->db->failures['get_record course_modules']);
        publish_outbox::retry_failed(new outbox($this->db), $this->db);
        $waiting = (new outbox($this->db))->waiting(10);
        $this->assertSame(['\core\event\course_module_updated'], self::names($waiting));
        $this->assertSame(1788000000, (int)$waiting[0]['timecreated']);
        $this->assertSame([], (new outbox($this->db))->failed(10));
    }

    /** classes/task/publish_outbox.php run by cron with no broker configured: the kept events are translated, every message waits, one line says why. */
    public function test_the_task_without_a_broker_keeps_every_message_and_says_why(): void
    {
        global $DB, $CFG;
        $DB = $this->db;
        $CFG = (object)['wwwroot' => 'https://moodle.example.edu'];
        $GLOBALS['plugin_config']['local_mofabridge'] = ['host' => ''];
        $GLOBALS['mtrace'] = [];
        $this->fire('\core\event\course_created', ['courseid' => '101', 'objectid' => '101']);
        (new outbox($this->db))->keep_failed(['eventname' => '\core\event\course_updated', 'timecreated' => 1788000001, 'courseid' => '101', 'objectid' => '101', 'userid' => '2']);

        (new publish_outbox())->execute();

        $this->assertSame(['\core\event\course_created', '\core\event\course_updated'], self::names((new outbox($this->db))->waiting(10)));
        $this->assertSame([], (new outbox($this->db))->failed(10));
        $this->assertSame(['local_mofabridge: no broker configured (Site administration > Plugins > Local plugins > Mofa.Sync bridge); the outbox keeps the messages'], $GLOBALS['mtrace']);
    }

    /** When the database refuses even the kept row (a broken transaction), one error-log line says what is lost and what to run. */
    public function test_an_event_that_cannot_be_kept_is_logged_as_lost(): void
    {
        $this->db->failures['get_record course'] = new \RuntimeException('Error reading from database');
        $this->db->failures['insert_record ' . outbox::TABLE] = new \RuntimeException('Error writing to database');

        $this->assertSame([], $this->fire('\core\event\course_updated', ['courseid' => '101', 'objectid' => '101']));

        $this->assertStringContainsString('local_mofabridge: LOST event \core\event\course_updated (course 101, object 101, time 1788000000):'
            . ' neither translated (RuntimeException: Error reading from database) nor kept (RuntimeException: Error writing to database).'
            . ' Mofa.Sync will not hear of it: run `mofa-sync reconcile --course 101` for this site', (string)file_get_contents($this->log));
    }

    /** lib/dml: insert_record() gives the id; the NOT NULL sequence column starts at 0 and becomes the id. Derived rows share the trigger's. */
    public function test_the_sequence_is_the_row_id_and_derived_rows_share_it(): void
    {
        $this->fire('\core\event\course_created', ['courseid' => '101', 'objectid' => '101']);
        $rows = $this->fire('\core\event\course_restored', ['courseid' => '101', 'objectid' => '101']);
        $this->assertSame(2, $rows[0]['sequence']);
        $this->assertSame('2', $this->db->get_field(outbox::TABLE, 'sequence', ['id' => 2]));

        // A row whose update never ran (no transaction, a crash between the two statements) is read with its id.
        $this->db->set_field(outbox::TABLE, 'sequence', 0, ['id' => 1]);
        $this->assertSame('1', (new outbox($this->db))->waiting(1)[0]['sequence']);
    }

    /** lib/classes/event/manager.php reads db/events.php: static callbacks taking the event, internal, every event the translator handles. */
    public function test_db_events_registers_every_observed_event_with_a_static_callback(): void
    {
        $observers = null;
        require __DIR__ . '/../db/events.php';
        $this->assertSame(event_translator::OBSERVED, array_column($observers, 'eventname'));
        foreach ($observers as $observer) {
            $this->assertSame('\local_mofabridge\observer::handle', $observer['callback']);
            $this->assertTrue($observer['internal']);
        }
        $method = new ReflectionMethod(observer::class, 'handle');
        $this->assertTrue($method->isStatic());
        $this->assertSame('core\event\base', (string)$method->getParameters()[0]->getType());
        $this->assertContains('\tool_recyclebin\event\course_bin_item_restored', event_translator::OBSERVED);
    }

    /** The backfill (cli/send_quiz_lists.php): one list per quiz, from one trigger row never published. */
    public function test_the_backfill_records_every_quiz_list(): void
    {
        $this->site->add_course(102, 'Geometry', 'GEO');
        $this->site->add_module(101, 2008, 'quiz', 'Week 1');
        $this->site->add_module(102, 2020, 'quiz', 'Week 1');
        $translator = new event_translator(new \local_mofabridge\moodle_reader($this->db), new outbox($this->db));
        $this->assertCount(2, $translator->backfill_quiz_lists(0, 1788000000, 2));
        $this->assertCount(1, $translator->backfill_quiz_lists(102, 1788000000, 2));
    }
}
