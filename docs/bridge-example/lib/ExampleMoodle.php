<?php
// A stand-in for Moodle's tables, so the example runs anywhere. Every value is a string, as
// $DB->get_record() returns it, and get_records()-style results are keyed by id.

declare(strict_types=1);

use MofaBridge\MoodleReader;

final class ExampleMoodle implements MoodleReader
{
    public array $courses;
    public array $cms;
    public array $users;
    /** @var array<string, array<string, stdClass>> quiz id => slots keyed by slot id */
    public array $slots = [];
    /** @var array<string, int> question.id => bank entry id */
    public array $versions = [];

    public function __construct()
    {
        $this->courses = ['101' => (object)['id' => '101', 'fullname' => 'Introduction à la programmation 🐍', 'shortname' => 'CS101']];
        $this->cms = ['2008' => (object)['id' => '2008', 'course' => '101', 'modname' => 'quiz', 'instance' => '88', 'name' => 'Week 1 quiz']];
        $this->users = [
            // An account made by an authentication plugin: no first name, no email.
            '311' => (object)['id' => '311', 'username' => 'm.lindqvist', 'email' => '', 'firstname' => '', 'lastname' => 'Lindqvist'],
            '312' => (object)['id' => '312', 'username' => 'k.tanaka', 'email' => 'k.tanaka@moodle.example.edu', 'firstname' => 'Kenji', 'lastname' => '田中'],
            '400' => (object)['id' => '400', 'username' => 'dean', 'email' => 'dean@moodle.example.edu', 'firstname' => 'Dana', 'lastname' => 'Dean'],
        ];
    }

    public function add_slot(int $quizid, string $slotid, ?int $entry, string $name): void
    {
        $this->slots[(string)$quizid][$slotid] = (object)['id' => $slotid, 'questionbankentryid' => $entry === null ? null : (string)$entry, 'name' => $name];
    }

    public function new_version(int $entry, string $questionid, string $name): void
    {
        $this->versions[$questionid] = $entry;
        foreach ($this->slots as $quizid => $slots) {
            foreach ($slots as $slotid => $slot) {
                if ($slot->questionbankentryid === (string)$entry) {
                    $this->slots[$quizid][$slotid]->name = $name;
                }
            }
        }
    }

    public function course(int $id): ?stdClass { return $this->courses[(string)$id] ?? null; }

    public function course_module(int $cmid): ?stdClass { return $this->cms[(string)$cmid] ?? null; }

    public function user(int $id): ?stdClass { return $this->users[(string)$id] ?? null; }

    public function role_shortname(int $roleid): string { return [1 => 'manager', 3 => 'editingteacher', 5 => 'student'][$roleid]; }

    // User 312 holds editingteacher twice in course 101 (manual enrolment and a meta link).
    public function user_has_role_assignment(int $userid, int $roleid, int $contextid): bool { return $userid === 312; }

    public function quiz_slots(int $quizid): array { return $this->slots[(string)$quizid] ?? []; }

    public function question_bank_entry(int $questionid): ?int { return $this->versions[(string)$questionid] ?? null; }

    public function quizzes_using_entry(int $questionbankentryid): array
    {
        $quizzes = [];
        foreach ($this->slots as $quizid => $slots) {
            foreach ($slots as $slot) {
                if ($slot->questionbankentryid === (string)$questionbankentryid) {
                    $quizzes[$quizid] = (object)['id' => (string)$quizid, 'course' => '101', 'cmid' => '2008'];
                }
            }
        }
        return $quizzes;
    }
}
