<?php
// local_mofabridge_get_quiz_questions (classes/external/get_quiz_questions.php, db/services.php),
// run through its own class against the stand-in of $DB, with stand-ins of what it uses of Moodle's
// external API (lib/external/classes: validate_parameters, validate_context, the structures),
// context_course::instance and require_capability, recorded so that the test can see them called.

declare(strict_types=1);

namespace core_external {
    if (!class_exists(external_api::class)) {
        // lib/external/classes/external_api.php: the two checks every function makes first.
        abstract class external_api
        {
            public static $calls = [];

            public static function validate_parameters(external_function_parameters $description, array $params): array
            {
                self::$calls[] = ['validate_parameters', array_keys($description->keys)];
                return $params;
            }

            public static function validate_context($context): void
            {
                self::$calls[] = ['validate_context', $context->id];
            }
        }

        class external_value
        {
            public $type;
            public $desc;

            public function __construct($type, $desc = '')
            {
                $this->type = $type;
                $this->desc = $desc;
            }
        }

        class external_single_structure
        {
            public $keys;

            public function __construct(array $keys = [], $desc = '')
            {
                $this->keys = $keys;
            }
        }

        final class external_function_parameters extends external_single_structure
        {
        }

        final class external_multiple_structure
        {
            public $content;

            public function __construct($content, $desc = '')
            {
                $this->content = $content;
            }
        }

        final class external_warnings
        {
        }
    }
}

namespace {
    use core_external\external_api;
    use local_mofabridge\event_translator;
    use local_mofabridge\example\example_site;
    use local_mofabridge\example\memory_db;
    use local_mofabridge\external\get_quiz_questions;
    use local_mofabridge\moodle_reader;
    use local_mofabridge\outbox;
    use PHPUnit\Framework\TestCase;

    if (!defined('PARAM_INT')) {
        define('PARAM_INT', 'int');
        define('PARAM_RAW', 'raw');
    }
    if (!class_exists('context_course')) {
        // lib/classes/context/course.php: instance($courseid) with MUST_EXIST.
        final class context_course
        {
            public $id;

            public static function instance($courseid)
            {
                $id = $GLOBALS['DB']->get_field('context', 'id', ['contextlevel' => 50, 'instanceid' => $courseid]);
                if ($id === false) {
                    throw new RuntimeException('invalidrecord');
                }
                $context = new self();
                $context->id = (int)$id;
                return $context;
            }
        }
    }
    if (!function_exists('require_capability')) {
        function require_capability($capability, $context)
        {
            external_api::$calls[] = ['require_capability', $capability, $context->id];
        }
    }

    final class GetQuizQuestionsTest extends TestCase
    {
        /** @var memory_db */
        private $db;
        /** @var example_site */
        private $site;

        protected function setUp(): void
        {
            $this->db = new memory_db();
            $GLOBALS['DB'] = $this->db;
            $this->site = new example_site($this->db);
            $this->site->add_course(101, 'Algebra I', 'ALG1');
            external_api::$calls = [];
        }

        protected function tearDown(): void
        {
            unset($GLOBALS['DB']);
        }

        /**
         * The answer lists each quiz of the course with exactly the questions its
         * quiz_questions_changed carries (the backfill's messages, built by the same reader).
         */
        public function test_each_quiz_has_the_list_its_quiz_questions_changed_carries(): void
        {
            $week1 = $this->site->add_module(101, 2008, 'quiz', 'Week 1');
            $week2 = $this->site->add_module(101, 2010, 'quiz', 'Week 2');
            $this->site->add_module(101, 2009, 'qbank', 'ALG1 course question bank');
            $this->site->add_version(7001, 1, 'What does print() return?');
            $this->site->add_version(7001, 2, 'What does print() return? (v2)');
            $this->site->add_version(7003, 1, 'Strings are immutable');
            $this->site->add_slot($week1, 1, 7001);
            $this->site->add_random_slot($week1, 2);
            $this->site->add_slot($week1, 3, 7003);

            $answer = get_quiz_questions::execute(101);

            $this->assertSame(['quizzes' => [
                ['quizid' => $week1, 'cmid' => 2008, 'questions' => [
                    ['questionid' => 7001, 'name' => 'What does print() return? (v2)'],
                    ['questionid' => 7003, 'name' => 'Strings are immutable'],
                ]],
                ['quizid' => $week2, 'cmid' => 2010, 'questions' => []],
            ], 'warnings' => []], $answer);

            $translator = new event_translator(new moodle_reader($this->db), new outbox($this->db));
            $messages = array_map(function (array $row): array {
                $fields = $row['fields'];
                return ['quizid' => $fields['quizId'], 'cmid' => $fields['quizCmId'], 'questions' => array_map(function (array $q): array {
                    return ['questionid' => $q['questionId'], 'name' => $q['name']];
                }, $fields['questions'])];
            }, $translator->backfill_quiz_lists(101, 1788000000, 2));
            $this->assertSame($messages, $answer['quizzes']);
        }

        /** lib/external/classes/external_api.php: parameters validated, the course context validated, the capability required there. */
        public function test_the_course_context_and_the_capability_are_checked(): void
        {
            get_quiz_questions::execute(101);
            $context = $this->site->course_context(101);
            $this->assertSame([
                ['validate_parameters', ['courseid']],
                ['validate_context', $context],
                ['require_capability', 'moodle/course:manageactivities', $context],
            ], external_api::$calls);

            $this->expectExceptionMessage('invalidrecord');
            get_quiz_questions::execute(555);
        }

        /** The front page's quizzes are not course content, as the bridge never sends them. */
        public function test_the_front_page_has_no_quiz_lists(): void
        {
            $this->site->add_course(1, 'Site', 'site');
            $this->site->add_module(1, 3001, 'quiz', 'Front page quiz');
            $this->assertSame(['quizzes' => [], 'warnings' => []], get_quiz_questions::execute(1));
        }

        /** db/services.php (lib/upgradelib.php reads it): the function, its class and method, read-only. */
        public function test_the_function_is_declared_with_its_class_and_answer(): void
        {
            $functions = null;
            require __DIR__ . '/../db/services.php';
            $this->assertSame(['local_mofabridge_get_quiz_questions'], array_keys($functions));
            $function = $functions['local_mofabridge_get_quiz_questions'];
            $this->assertSame(['local_mofabridge\external\get_quiz_questions', 'execute', 'read'],
                [$function['classname'], $function['methodname'], $function['type']]);
            $this->assertTrue(method_exists($function['classname'], 'execute'));

            $returns = get_quiz_questions::execute_returns();
            $this->assertSame(['quizzes', 'warnings'], array_keys($returns->keys));
            $quiz = $returns->keys['quizzes']->content;
            $this->assertSame(['quizid', 'cmid', 'questions'], array_keys($quiz->keys));
            $this->assertSame(['questionid', 'name'], array_keys($quiz->keys['questions']->content->keys));
        }
    }
}
