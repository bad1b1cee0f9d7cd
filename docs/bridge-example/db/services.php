<?php
// This file is part of local_mofabridge.

/**
 * The plugin's web service function (lib/upgradelib.php reads $functions into external_functions).
 * A site adds it to the service whose token Mofa.Sync uses (Moodle:Sites:{n}:Token) so that
 * `mofa-sync reconcile` reads quizzes' question lists back: no core function lists them.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$functions = [
    'local_mofabridge_get_quiz_questions' => [
        'classname' => 'local_mofabridge\external\get_quiz_questions',
        'methodname' => 'execute',
        'description' => 'Every quiz of a course with its fixed questions (bank entry id and name), as the bridge\'s quiz_questions_changed lists them.',
        'type' => 'read',
        'capabilities' => 'moodle/course:manageactivities',
    ],
];
