<?php
// Loads the plugin's classes and the stand-ins of Moodle (example/) for the standalone tests:
//   phpunit -c docs/bridge-example/tests/phpunit.xml
// The test files end in Test.php, not _test.php, so Moodle's own phpunit run (which collects
// local/*/tests/*_test.php) leaves them alone.

declare(strict_types=1);

require_once __DIR__ . '/../example/moodle_stubs.php';

// The task's class extends Moodle's scheduled_task; its static parts are tested without Moodle.
if (!class_exists('core\task\scheduled_task')) {
    eval('namespace core\task; abstract class scheduled_task {}');
}
if (!function_exists('mtrace')) {
    // lib/setuplib.php: a line of a task's output.
    function mtrace($string, $eol = "\n")
    {
        $GLOBALS['mtrace'][] = $string;
    }
}
if (!function_exists('get_config')) {
    // lib/moodlelib.php: a plugin's settings as one object, only the ones that are set.
    function get_config($plugin, $name = null)
    {
        return (object)($GLOBALS['plugin_config'][$plugin] ?? []);
    }
}
