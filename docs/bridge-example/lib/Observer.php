<?php
// The observer: one Moodle event in, the contract's messages recorded in the outbox. Register it
// as an internal observer (db/events.php, 'internal' => true), so the rows commit with Moodle's
// own transaction. It does no network I/O: publishing happens after the commit (Publisher).

declare(strict_types=1);

namespace MofaBridge;

final class Observer
{
    /** CONTEXT_COURSE in Moodle's accesslib. */
    private const CONTEXT_COURSE = 50;

    public function __construct(private readonly Outbox $outbox, private readonly MoodleReader $moodle)
    {
    }

    /**
     * @param array $event $event->get_data() of a Moodle event
     * @return array[] the outbox rows recorded for it (none for an event the contract does not carry)
     */
    public function observe(array $event): array
    {
        $name = $event['eventname'];
        $time = (int)$event['timecreated'];
        $actor = (int)($event['userid'] ?? 0);

        switch ($name) {
            case '\core\event\course_created':
            case '\core\event\course_updated':
                $course = $this->moodle->course((int)$event['courseid']);
                if ($course === null) {
                    return [];   // deleted since: its course_deleted follows
                }
                return [$this->outbox->record($name, $time, $actor, [
                    // get_record() returns strings: every id is cast, every text kept raw.
                    'courseId' => (int)$course->id,
                    'fullName' => (string)$course->fullname,
                    'shortName' => (string)$course->shortname,
                ])];

            case '\core\event\course_deleted':
                // Deletes carry what the event itself holds: the record is gone by now.
                return [$this->outbox->record($name, $time, $actor, ['courseId' => (int)$event['objectid']])];

            case '\core\event\course_module_deleted':
                return [$this->outbox->record($name, $time, $actor, [
                    'courseId' => (int)$event['courseid'],
                    'cmId' => (int)$event['objectid'],
                    'moduleName' => (string)$event['other']['modulename'],
                    'instanceId' => (int)$event['other']['instanceid'],
                ])];

            case '\core\event\user_deleted':
                return [$this->outbox->record($name, $time, $actor, ['userId' => (int)$event['objectid']])];

            case '\core\event\course_module_created':
            case '\core\event\course_module_updated':
                $cm = $this->moodle->course_module((int)$event['objectid']);
                if ($cm === null) {
                    return [];
                }
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

            case '\core\event\role_assigned':
            case '\core\event\role_unassigned':
                return $this->role($event, $name, $time, $actor);

            case '\core\event\user_updated':
                $user = $this->moodle->user((int)$event['objectid']);
                if ($user === null) {
                    return [];
                }
                return [$this->outbox->record($name, $time, $actor, ['userId' => (int)$user->id] + self::profile($user))];

            case '\mod_quiz\event\slot_created':
            case '\mod_quiz\event\slot_deleted':
            case '\mod_quiz\event\slot_moved':
            case '\mod_quiz\event\slot_version_updated':
                // The trigger itself is not a contract message: it gets an outbox row (for its
                // eventId and sequence) that is never published, and the quiz's list derives from it.
                $trigger = $this->outbox->record($name, $time, $actor, []);
                $this->outbox->mark_sent($trigger['eventid']);
                return [$this->quiz_list($trigger, (int)$event['other']['quizid'], (int)$event['courseid'], (int)$event['contextinstanceid'])];

            case '\core\event\question_created':
            case '\core\event\question_updated':
                // Moodle 4.x: an edit makes a new version (a new question.id) in the same bank entry.
                $entry = $this->moodle->question_bank_entry((int)$event['objectid']);
                if ($entry === null) {
                    return [];
                }
                $trigger = $this->outbox->record($name, $time, $actor, []);
                $this->outbox->mark_sent($trigger['eventid']);
                $rows = [];
                foreach (array_values($this->moodle->quizzes_using_entry($entry)) as $quiz) {
                    $rows[] = $this->quiz_list($trigger, (int)$quiz->id, (int)$quiz->course, (int)$quiz->cmid);
                }
                return $rows;

            default:
                return [];
        }
    }

    /** role_assigned / role_unassigned: course context only; an unassignment only once no copy of the role is left. */
    private function role(array $event, string $name, int $time, int $actor): array
    {
        if ((int)$event['contextlevel'] !== self::CONTEXT_COURSE) {
            return [];   // system, category, module or block level: not a course's teacher
        }
        $userid = (int)$event['relateduserid'];
        $roleid = (int)$event['objectid'];
        $fields = [
            'courseId' => (int)$event['courseid'],
            'userId' => $userid,
            'roleShortName' => $this->moodle->role_shortname($roleid),
        ];

        if ($name === '\core\event\role_unassigned') {
            if ($this->moodle->user_has_role_assignment($userid, $roleid, (int)$event['contextid'])) {
                return [];   // another copy (a meta link, a cohort) still grants the role
            }
            return [$this->outbox->record($name, $time, $actor, $fields)];
        }

        $user = $this->moodle->user($userid);
        if ($user === null) {
            return [];
        }
        return [$this->outbox->record($name, $time, $actor, $fields + ['user' => self::profile($user)])];
    }

    private function quiz_list(array $trigger, int $quizid, int $courseid, int $cmid): array
    {
        $questions = [];
        // array_values: get_records() keys by id, and json_encode would write an object.
        foreach (array_values($this->moodle->quiz_slots($quizid)) as $slot) {
            if ($slot->questionbankentryid === null) {
                continue;   // a random slot has no fixed question
            }
            $questions[] = ['questionId' => (int)$slot->questionbankentryid, 'name' => (string)$slot->name];
        }
        return $this->outbox->record_quiz_list($trigger, $quizid, [
            'courseId' => $courseid,
            'quizId' => $quizid,
            'quizCmId' => $cmid,
            'questions' => $questions,
        ]);
    }

    /** The profile fields the contract carries; a null column becomes '' (null is not allowed there). */
    private static function profile(\stdClass $user): array
    {
        return [
            'username' => (string)$user->username,
            'email' => (string)($user->email ?? ''),
            'firstName' => (string)($user->firstname ?? ''),
            'lastName' => (string)($user->lastname ?? ''),
        ];
    }
}
