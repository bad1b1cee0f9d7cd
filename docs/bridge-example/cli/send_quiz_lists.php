<?php
// This file is part of local_mofabridge.

/**
 * Records the current question list of every quiz (or of one course's quizzes) in the outbox, for
 * the publishing task to send: the backfill after installing the plugin on a running site. Courses,
 * modules and teachers need none: `mofa-sync reconcile` reads those from the web services, and
 * the quiz lists too where the token's service includes local_mofabridge_get_quiz_questions.
 *
 *   php local/mofabridge/cli/send_quiz_lists.php [--course=ID]
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../../config.php');
require_once($CFG->libdir . '/clilib.php');

list($options, $unrecognised) = cli_get_params(['course' => 0, 'help' => false], ['h' => 'help']);
if ($unrecognised) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognised)));
}
if ($options['help']) {
    echo "Records every quiz's question list for Mofa.Sync.\n\nOptions:\n  --course=ID  only this course's quizzes\n  -h, --help   this help\n";
    exit(0);
}

$translator = new \local_mofabridge\event_translator(new \local_mofabridge\moodle_reader($DB), new \local_mofabridge\outbox($DB));
$transaction = $DB->start_delegated_transaction();
$rows = $translator->backfill_quiz_lists((int)$options['course'], time(), (int)$USER->id);
$transaction->allow_commit();
cli_writeln(count($rows) . ' quiz list(s) recorded; the task \local_mofabridge\task\publish_outbox publishes them.');
