<?php
// This file is part of local_mofabridge.

namespace local_mofabridge;

defined('MOODLE_INTERNAL') || die();

/**
 * One Moodle event in, the contract's messages recorded in the outbox (docs/contract.md). It does
 * no network I/O: the task publishes after the commit. Every decision here names the Moodle
 * source it follows; tests/EventTranslatorTest.php checks each against a stand-in of $DB.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class event_translator {
    /** The events db/events.php observes. */
    public const OBSERVED = [
        '\core\event\course_created', '\core\event\course_updated', '\core\event\course_deleted',
        '\core\event\course_module_created', '\core\event\course_module_updated', '\core\event\course_module_deleted',
        '\core\event\role_assigned', '\core\event\role_unassigned', '\core\event\user_updated', '\core\event\user_deleted',
        '\mod_quiz\event\slot_created', '\mod_quiz\event\slot_deleted', '\mod_quiz\event\slot_moved',
        '\mod_quiz\event\slot_version_updated', '\core\event\question_created', '\core\event\question_updated',
        // Course content changed without per-item events: the service reads the course back.
        '\core\event\course_restored', '\core\event\course_reset_ended', '\core\event\course_content_deleted',
        '\tool_recyclebin\event\course_bin_item_restored',
    ];

    /** CONTEXT_COURSE (lib/accesslib.php). */
    private const CONTEXT_COURSE = 50;

    /** SITEID: the front page is course 1 (lib/setup.php); its events are no course's. */
    private const FRONT_PAGE = 1;

    /** @var moodle_reader */
    private $moodle;

    /** @var outbox */
    private $outbox;

    /**
     * @param moodle_reader $moodle
     * @param outbox $outbox
     */
    public function __construct(moodle_reader $moodle, outbox $outbox) {
        $this->moodle = $moodle;
        $this->outbox = $outbox;
    }

    /**
     * @param array $event $event->get_data() of a Moodle event (ids as Moodle gives them: ints or strings)
     * @return array[] the outbox rows recorded for it (none for an event the contract does not carry)
     */
    public function translate(array $event): array {
        $name = (string)$event['eventname'];
        $time = (int)$event['timecreated'];
        // Cron and tasks run as the main administrator (\core\cron::setup_user), not as user 0.
        $actor = (int)($event['userid'] ?? 0);
        $courseid = (int)($event['courseid'] ?? 0);
        if ($courseid === self::FRONT_PAGE) {
            return [];   // front-page modules, roles and the site "course" itself
        }

        switch ($name) {
            case '\core\event\course_created':
            case '\core\event\course_updated':
                $course = $this->moodle->course($courseid);
                if ($course === null) {
                    return [];   // deleted since: its course_deleted follows
                }
                return [$this->outbox->record($name, $time, $actor, [
                    // $DB returns strings: every id is cast, every text kept raw.
                    'courseId' => (int)$course->id,
                    'fullName' => (string)$course->fullname,
                    'shortName' => (string)$course->shortname,
                ])];

            case '\core\event\course_deleted':
                // Deletes carry what the event itself holds: the record is gone by now.
                return [$this->outbox->record($name, $time, $actor, ['courseId' => (int)$event['objectid']])];

            case '\core\event\course_module_deleted':
                // With the recycle bin on, this comes from the ad-hoc deletion task, when cron runs.
                $modname = (string)$event['other']['modulename'];
                if (!$this->moodle->is_course_content($modname)) {
                    return [];
                }
                return [$this->outbox->record($name, $time, $actor, [
                    'courseId' => $courseid,
                    'cmId' => (int)$event['objectid'],
                    'moduleName' => $modname,
                    'instanceId' => (int)$event['other']['instanceid'],
                ])];

            case '\core\event\course_module_created':
            case '\core\event\course_module_updated':
                return $this->module($event, $name, $time, $actor);

            case '\core\event\role_assigned':
            case '\core\event\role_unassigned':
                return $this->role($event, $name, $time, $actor);

            case '\core\event\user_updated':
                // The profile is read from the user table (the event carries no snapshot of it).
                $user = $this->moodle->user((int)$event['objectid']);
                if ($user === null) {
                    return [];
                }
                return [$this->outbox->record($name, $time, $actor, ['userId' => (int)$user->id] + self::profile($user), (int)$user->id)];

            case '\core\event\user_deleted':
                return [$this->outbox->record($name, $time, $actor, ['userId' => (int)$event['objectid']])];

            case '\mod_quiz\event\slot_created':
            case '\mod_quiz\event\slot_deleted':
            case '\mod_quiz\event\slot_moved':
            case '\mod_quiz\event\slot_version_updated':
                // The trigger is no contract message: its row gives the eventId and sequence the quiz's list derives from.
                $trigger = $this->outbox->record_trigger($name, $time, $actor);
                return [$this->quiz_list($trigger, (int)$event['other']['quizid'], $courseid, (int)$event['contextinstanceid'])];

            case '\core\event\question_created':
            case '\core\event\question_updated':
                // Every save of a question makes a new version and fires question_created
                // (question/type/questiontypebase.php, save_question); question_updated is a status
                // change or an edit in place. Either can change the name a slot shows.
                $entry = $this->moodle->question_bank_entry((int)$event['objectid']);
                if ($entry === null) {
                    return [];
                }
                $quizzes = $this->moodle->quizzes_using_entry($entry);
                if ($quizzes === []) {
                    return [];
                }
                $trigger = $this->outbox->record_trigger($name, $time, $actor);
                return $this->quiz_lists($trigger, $quizzes);

            case '\core\event\course_restored':
            case '\tool_recyclebin\event\course_bin_item_restored':
                // The service reads the course back; no core web service lists a quiz's questions, so the
                // bridge sends every quiz's list. An activity restored from the recycle bin fires no
                // course_restored (backup/util/plan/restore_plan.class.php: whole courses only)
                // and writes its slots without slot events.
                $row = $this->outbox->record($name, $time, $actor, ['courseId' => $courseid]);
                return array_merge([$row], $this->quiz_lists($row, $this->moodle->course_quizzes($courseid)));

            case '\core\event\course_reset_ended':
            case '\core\event\course_content_deleted':
                return [$this->outbox->record($name, $time, $actor, ['courseId' => $courseid])];

            default:
                return [];
        }
    }

    /**
     * The lists of quizzes that exist already (the plugin installed on a running site, or
     * Sync:TeacherRoles changed): one quiz_questions_changed per quiz, derived from one trigger
     * row that is never published. cli/send_quiz_lists.php runs it.
     *
     * @param int $courseid one course, or 0 for every course
     * @param int $time now
     * @param int $actor the user running it
     * @return array[] the rows recorded
     */
    public function backfill_quiz_lists(int $courseid, int $time, int $actor): array {
        $trigger = $this->outbox->record_trigger('\\local_mofabridge\\event\\quiz_lists_backfilled', $time, $actor);
        return $this->quiz_lists($trigger, $this->moodle->course_quizzes($courseid));
    }

    /**
     * course_module_created / _updated: the module as it is now, if it is course content.
     *
     * @param array $event
     * @param string $name
     * @param int $time
     * @param int $actor
     * @return array[]
     */
    private function module(array $event, string $name, int $time, int $actor): array {
        $cm = $this->moodle->course_module((int)$event['objectid']);
        if ($cm === null || (int)$cm->course === self::FRONT_PAGE || !$this->moodle->is_course_content((string)$cm->modname)) {
            return [];
        }
        // Hidden modules are sent too: they are the course's content, visibility is not in the contract.
        $rows = [$this->outbox->record($name, $time, $actor, [
            'courseId' => (int)$cm->course,
            'cmId' => (int)$cm->id,
            'moduleName' => (string)$cm->modname,
            'instanceId' => (int)$cm->instance,
            'name' => (string)$cm->name,
            // url left out: the service uses {site}/mod/{moduleName}/view.php?id={cmId}.
        ])];
        if ($cm->modname === 'quiz' && $name === '\core\event\course_module_created') {
            // A new (or duplicated) quiz: its list, possibly empty.
            $rows[] = $this->quiz_list($rows[0], (int)$cm->instance, (int)$cm->course, (int)$cm->id);
        }
        return $rows;
    }

    /**
     * role_assigned / role_unassigned: course context only; an unassignment only once the user
     * holds the role in that very context no more (role_assignments rows with its contextid).
     * A restore does fire role_assigned for the assignments it brings (restore_dbops, role_assign()).
     * Suspending an enrolment removes no role and fires no role event: the teacher stays a teacher.
     *
     * @param array $event
     * @param string $name
     * @param int $time
     * @param int $actor
     * @return array[]
     */
    private function role(array $event, string $name, int $time, int $actor): array {
        if ((int)$event['contextlevel'] !== self::CONTEXT_COURSE) {
            return [];   // system, category, module or block level: not a course's teacher
        }
        $userid = (int)$event['relateduserid'];
        $roleid = (int)$event['objectid'];
        $shortname = $this->moodle->role_shortname($roleid);
        if ($shortname === null) {
            return [];   // the role itself is being deleted
        }
        $fields = ['courseId' => (int)$event['courseid'], 'userId' => $userid, 'roleShortName' => $shortname];

        if ($name === '\core\event\role_unassigned') {
            if ($this->moodle->holds_role_in_context($userid, $roleid, (int)$event['contextid'])) {
                return [];   // another copy in the course (a meta link, a cohort) still grants the role
            }
            return [$this->outbox->record($name, $time, $actor, $fields)];
        }

        $user = $this->moodle->user($userid);
        if ($user === null) {
            return [];
        }
        return [$this->outbox->record($name, $time, $actor, $fields + ['user' => self::profile($user)], $userid)];
    }

    /**
     * @param array $trigger
     * @param \stdClass[] $quizzes id, course, cmid
     * @return array[]
     */
    private function quiz_lists(array $trigger, array $quizzes): array {
        $rows = [];
        foreach ($quizzes as $quiz) {
            if ((int)$quiz->course !== self::FRONT_PAGE) {
                $rows[] = $this->quiz_list($trigger, (int)$quiz->id, (int)$quiz->course, (int)$quiz->cmid);
            }
        }
        return $rows;
    }

    /**
     * @param array $trigger
     * @param int $quizid
     * @param int $courseid
     * @param int $cmid
     * @return array the quiz_questions_changed row
     */
    private function quiz_list(array $trigger, int $quizid, int $courseid, int $cmid): array {
        return $this->outbox->record_quiz_list($trigger, $quizid, [
            'courseId' => $courseid,
            'quizId' => $quizid,
            'quizCmId' => $cmid,
            'questions' => $this->moodle->quiz_questions($quizid),
        ]);
    }

    /**
     * The profile fields the contract carries; a null column becomes '' (null is not allowed there).
     *
     * @param \stdClass $user
     * @return array
     */
    private static function profile(\stdClass $user): array {
        return [
            'username' => (string)$user->username,
            'email' => (string)($user->email ?? ''),
            'firstName' => (string)($user->firstname ?? ''),
            'lastName' => (string)($user->lastname ?? ''),
        ];
    }
}
