<?php
// A Moodle site's tables in the $DB stand-in, filled the way Moodle fills them, so that the tests and
// publish-example.php can change the site as Moodle would and fire the events Moodle fires:
//  - context: one row per course (level 50), category (40), module (70);
//  - course_modules → modules.name (the modname) → the instance's own table (quiz, page, qbank, …);
//  - role_assignments: one row per (user, role, context, component, itemid): a manual enrolment
//    and a meta link make two rows for one role (lib/accesslib.php, role_assign());
//  - quiz_slots, question_references (component mod_quiz, questionarea slot, itemid = slot id,
//    version null = "always the latest"), question_set_references for random slots,
//    question_bank_entries → question_versions (status ready, hidden or draft) → question.

declare(strict_types=1);

namespace local_mofabridge\example;

final class example_site
{
    /** @var memory_db */
    public $db;

    public function __construct(memory_db $db)
    {
        $this->db = $db;
        foreach (['assign', 'quiz', 'page', 'qbank', 'forum'] as $modname) {
            $this->db->insert_record('modules', ['name' => $modname]);
        }
        foreach (['manager', 'coursecreator', 'editingteacher', 'teacher', 'student'] as $shortname) {
            $this->db->insert_record('role', ['shortname' => $shortname]);   // ids 1-5 as a fresh install
        }
    }

    public function role_id(string $shortname): int
    {
        return (int)$this->db->get_field('role', 'id', ['shortname' => $shortname]);
    }

    /** @return int the course's context id */
    public function add_course(int $id, string $fullname, string $shortname): int
    {
        $this->db->tables['course'][$id] = ['id' => (string)$id, 'fullname' => $fullname, 'shortname' => $shortname];
        return $this->db->insert_record('context', ['contextlevel' => 50, 'instanceid' => $id]);
    }

    /** @return int the category's context id */
    public function add_category(int $id): int
    {
        return $this->db->insert_record('context', ['contextlevel' => 40, 'instanceid' => $id]);
    }

    public function course_context(int $courseid): int
    {
        return (int)$this->db->get_field('context', 'id', ['contextlevel' => 50, 'instanceid' => $courseid]);
    }

    /** A module and its instance; returns the instance id. */
    public function add_module(int $courseid, int $cmid, string $modname, string $name): int
    {
        $instance = $this->db->insert_record($modname, ['course' => $courseid, 'name' => $name]);
        $module = (int)$this->db->get_field('modules', 'id', ['name' => $modname]);
        $this->db->tables['course_modules'][$cmid] = ['id' => (string)$cmid, 'course' => (string)$courseid,
            'module' => (string)$module, 'instance' => (string)$instance];
        $this->db->insert_record('context', ['contextlevel' => 70, 'instanceid' => $cmid]);
        return $instance;
    }

    public function rename_module(string $modname, int $instance, string $name): void
    {
        $this->db->set_field($modname, 'name', $name, ['id' => $instance]);
    }

    public function add_user(int $id, string $username, ?string $email, ?string $firstname, ?string $lastname): void
    {
        $this->db->tables['user'][$id] = ['id' => (string)$id, 'username' => $username, 'email' => $email,
            'firstname' => $firstname, 'lastname' => $lastname, 'deleted' => '0'];
    }

    public function assign(int $userid, string $role, int $contextid, string $component = '', int $itemid = 0): void
    {
        $this->db->insert_record('role_assignments', ['userid' => $userid, 'roleid' => $this->role_id($role),
            'contextid' => $contextid, 'component' => $component, 'itemid' => $itemid]);
    }

    public function unassign(int $userid, string $role, int $contextid, string $component = '', int $itemid = 0): void
    {
        $this->db->delete_records('role_assignments', ['userid' => $userid, 'roleid' => $this->role_id($role),
            'contextid' => $contextid, 'component' => $component, 'itemid' => $itemid]);
    }

    /** A new version of a bank entry (the entry made with its first version); returns question.id. */
    public function add_version(int $entry, int $version, string $name, string $status = 'ready'): int
    {
        $this->db->tables['question_bank_entries'][$entry] = ['id' => (string)$entry];
        $questionid = $this->db->insert_record('question', ['name' => $name]);
        $this->db->insert_record('question_versions', ['questionbankentryid' => $entry, 'version' => $version,
            'questionid' => $questionid, 'status' => $status]);
        return $questionid;
    }

    public function set_status(int $entry, int $version, string $status): void
    {
        $this->db->set_field('question_versions', 'status', $status, ['questionbankentryid' => $entry, 'version' => $version]);
    }

    /** A slot with a fixed question; $pinned null = "always the latest". Returns the slot id. */
    public function add_slot(int $quizid, int $slot, int $entry, ?int $pinned = null): int
    {
        $slotid = $this->db->insert_record('quiz_slots', ['quizid' => $quizid, 'slot' => $slot]);
        $this->db->insert_record('question_references', ['component' => 'mod_quiz', 'questionarea' => 'slot',
            'itemid' => $slotid, 'questionbankentryid' => $entry, 'version' => $pinned]);
        return $slotid;
    }

    /** A random slot: a question_set_references row instead. Returns the slot id. */
    public function add_random_slot(int $quizid, int $slot): int
    {
        $slotid = $this->db->insert_record('quiz_slots', ['quizid' => $quizid, 'slot' => $slot]);
        $this->db->insert_record('question_set_references', ['component' => 'mod_quiz', 'questionarea' => 'slot',
            'itemid' => $slotid, 'filtercondition' => '{"questioncategoryid":12}']);
        return $slotid;
    }
}
