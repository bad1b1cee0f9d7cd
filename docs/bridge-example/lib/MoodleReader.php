<?php
// What the bridge reads from Moodle when an event fires. In the plugin each method is one $DB
// call (README.md shows them); the example implements it with records shaped as $DB returns
// them: stdClass objects whose every column is a string.

declare(strict_types=1);

namespace MofaBridge;

interface MoodleReader
{
    /** $DB->get_record('course', ['id' => $id]) */
    public function course(int $id): ?\stdClass;

    /** course_modules joined with modules.name (modname) and the instance's name, by course_modules.id */
    public function course_module(int $cmid): ?\stdClass;

    /** $DB->get_record('user', ['id' => $id], 'id, username, email, firstname, lastname') */
    public function user(int $id): ?\stdClass;

    /** $DB->get_field('role', 'shortname', ['id' => $roleid]) */
    public function role_shortname(int $roleid): string;

    /** user_has_role_assignment($userid, $roleid, $contextid): does the user still hold the role there? */
    public function user_has_role_assignment(int $userid, int $roleid, int $contextid): bool;

    /**
     * The quiz's slots with the question each one uses, keyed by slot id as get_records() keys
     * them: slot, questionbankentryid (null for a random slot), name of the version the slot uses.
     *
     * @return array<string, \stdClass>
     */
    public function quiz_slots(int $quizid): array;

    /** question_versions.questionbankentryid of a question (one version), or null before Moodle 4.0 */
    public function question_bank_entry(int $questionid): ?int;

    /**
     * quiz.id => quiz row (id, course, cmid) of every quiz with a slot that references the bank
     * entry: question_references with component 'mod_quiz' and questionarea 'slot'.
     *
     * @return array<string, \stdClass>
     */
    public function quizzes_using_entry(int $questionbankentryid): array;
}
