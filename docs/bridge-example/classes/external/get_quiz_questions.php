<?php
// This file is part of local_mofabridge.

namespace local_mofabridge\external;

defined('MOODLE_INTERNAL') || die();

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use core_external\external_warnings;
use local_mofabridge\moodle_reader;

// Moodle 4.2 moved the external API into core_external (lib/db/renamedclasses.php keeps the old
// names); Moodle 4.1, which the plugin still supports, has only the old ones, in lib/externallib.php.
if (!class_exists('core_external\external_api')) {
    global $CFG;
    require_once($CFG->libdir . '/externallib.php');
    foreach (['external_api', 'external_function_parameters', 'external_multiple_structure',
            'external_single_structure', 'external_value', 'external_warnings'] as $name) {
        class_alias($name, 'core_external\\' . $name);
    }
}

/**
 * local_mofabridge_get_quiz_questions: every quiz of a course with its fixed questions, the list a
 * quiz_questions_changed message carries (moodle_reader::quiz_questions: slot order, each bank
 * entry once, the version the slot shows, random and unresolvable slots left out), names raw as the
 * bridge sends them. The front page (course 1) has none: it is not a course of the mirror.
 * `mofa-sync reconcile` calls it per course when the token's service includes it.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_quiz_questions extends external_api {
    /** Moodle's SITEID: the front page, whose quizzes the bridge never sends either. */
    private const FRONT_PAGE = 1;

    /**
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
        ]);
    }

    /**
     * @param int $courseid
     * @return array quizzes, warnings
     */
    public static function execute(int $courseid): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), ['courseid' => $courseid]);
        // MUST_EXIST: a course that does not exist is dml_missing_record_exception (invalidrecord).
        $context = \context_course::instance($params['courseid']);
        self::validate_context($context);
        require_capability('moodle/course:manageactivities', $context);
        return ['quizzes' => self::quizzes(new moodle_reader($DB), (int)$params['courseid']), 'warnings' => []];
    }

    /**
     * The course's quizzes, each with the list its quiz_questions_changed would carry.
     *
     * @param moodle_reader $moodle
     * @param int $courseid
     * @return array[] quizid, cmid, questions (questionid, name)
     */
    public static function quizzes(moodle_reader $moodle, int $courseid): array {
        if ($courseid === self::FRONT_PAGE) {
            return [];
        }
        $quizzes = [];
        foreach ($moodle->course_quizzes($courseid) as $quiz) {
            $questions = [];
            foreach ($moodle->quiz_questions((int)$quiz->id) as $question) {
                $questions[] = ['questionid' => $question['questionId'], 'name' => $question['name']];
            }
            $quizzes[] = ['quizid' => (int)$quiz->id, 'cmid' => (int)$quiz->cmid, 'questions' => $questions];
        }
        return $quizzes;
    }

    /**
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'quizzes' => new external_multiple_structure(new external_single_structure([
                'quizid' => new external_value(PARAM_INT, 'quiz id (the module\'s instance)'),
                'cmid' => new external_value(PARAM_INT, 'course module id'),
                'questions' => new external_multiple_structure(new external_single_structure([
                    'questionid' => new external_value(PARAM_INT, 'question bank entry id'),
                    'name' => new external_value(PARAM_RAW, 'name of the version the slot shows, raw'),
                ]), 'fixed questions in slot order'),
            ])),
            'warnings' => new external_warnings(),
        ]);
    }
}
