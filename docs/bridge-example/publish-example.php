<?php
// Runs the example bridge without Moodle: a small Moodle stand-in (records shaped as $DB returns
// them), a term start's events through the observer into the outbox, then the outbox published
// with confirms; finally three rows published again, as after a lost confirm.
//
//   MOODLE_WWWROOT=https://moodle.example.edu php docs/bridge-example/publish-example.php
//
// Settings come from the environment: AMQP_HOST (localhost), AMQP_PORT (5672), AMQP_USER (guest),
// AMQP_PASSWORD (guest), AMQP_VHOST (/), AMQP_EXCHANGE (moodle.events), MOODLE_WWWROOT (required),
// OUTBOX_FILE (a new temporary file). Prints one JSON line per message published.

declare(strict_types=1);

use MofaBridge\Observer;
use MofaBridge\Outbox;
use MofaBridge\Publisher;
use PhpAmqpLib\Connection\AMQPStreamConnection;

// php-amqplib: Composer's autoloader when there is one, else Debian's php-amqplib package.
$autoloaders = [__DIR__ . '/vendor/autoload.php', '/usr/share/php/PhpAmqpLib/autoload.php'];
$autoloader = current(array_filter($autoloaders, 'is_file'));
if ($autoloader === false) {
    fwrite(STDERR, "php-amqplib not found: apt-get install php-amqplib, or composer require php-amqplib/php-amqplib\n");
    exit(2);
}
require_once $autoloader;
foreach (['Envelope', 'Outbox', 'Publisher', 'MoodleReader', 'Observer', 'ExampleMoodle'] as $file) {
    require_once __DIR__ . "/lib/{$file}.php";
}

$env = fn(string $name, string $default) => (getenv($name) === false || getenv($name) === '') ? $default : getenv($name);
$site = $env('MOODLE_WWWROOT', '');
if ($site === '') {
    fwrite(STDERR, "MOODLE_WWWROOT is required (the site's \$CFG->wwwroot, e.g. https://moodle.example.edu)\n");
    exit(2);
}

$moodle = new ExampleMoodle();
$outbox = new Outbox($env('OUTBOX_FILE', tempnam(sys_get_temp_dir(), 'mofa-outbox-')));
$observer = new Observer($outbox, $moodle);
$t = time() - 60;

// The events, in the order Moodle fires them; $moodle changes as Moodle's tables would.
$observer->observe(['eventname' => '\core\event\course_created', 'timecreated' => $t, 'userid' => '2', 'courseid' => '101']);
$observer->observe(['eventname' => '\core\event\course_module_created', 'timecreated' => $t + 1, 'userid' => '311', 'courseid' => '101', 'objectid' => '2008']);
// Renamed in the same second: the outbox row's id (the sequence) orders the two.
$moodle->cms['2008']->name = 'Week 1 quiz: variables and types';
$observer->observe(['eventname' => '\core\event\course_module_updated', 'timecreated' => $t + 1, 'userid' => '311', 'courseid' => '101', 'objectid' => '2008']);
$observer->observe(['eventname' => '\core\event\role_assigned', 'timecreated' => $t + 2, 'userid' => '2', 'courseid' => '101',
    'objectid' => '3', 'relateduserid' => '311', 'contextid' => '1501', 'contextlevel' => '50']);
// A manager at category level: not a course's teacher, not sent.
$observer->observe(['eventname' => '\core\event\role_assigned', 'timecreated' => $t + 2, 'userid' => '2', 'courseid' => '0',
    'objectid' => '1', 'relateduserid' => '400', 'contextid' => '7', 'contextlevel' => '40']);
// A second teacher, enrolled twice (manually and by a meta link); one copy removed: still a teacher, not sent.
$observer->observe(['eventname' => '\core\event\role_assigned', 'timecreated' => $t + 2, 'userid' => '2', 'courseid' => '101',
    'objectid' => '3', 'relateduserid' => '312', 'contextid' => '1501', 'contextlevel' => '50']);
$observer->observe(['eventname' => '\core\event\role_unassigned', 'timecreated' => $t + 3, 'userid' => '2', 'courseid' => '101',
    'objectid' => '3', 'relateduserid' => '312', 'contextid' => '1501', 'contextlevel' => '50']);
// Two questions added in one second, then a random slot.
$moodle->add_slot(88, '501', 7001, 'What does print() return?');
$observer->observe(['eventname' => '\mod_quiz\event\slot_created', 'timecreated' => $t + 3, 'userid' => '311', 'courseid' => '101',
    'objectid' => '501', 'contextinstanceid' => '2008', 'other' => ['quizid' => '88']]);
$moodle->add_slot(88, '502', 7003, 'Strings are immutable');
$moodle->add_slot(88, '503', null, 'Random (Week 1)');
$observer->observe(['eventname' => '\mod_quiz\event\slot_created', 'timecreated' => $t + 3, 'userid' => '311', 'courseid' => '101',
    'objectid' => '502', 'contextinstanceid' => '2008', 'other' => ['quizid' => '88']]);
$moodle->users['311']->lastname = 'Lindqvist-Öberg';
$observer->observe(['eventname' => '\core\event\user_updated', 'timecreated' => $t + 4, 'userid' => '311', 'courseid' => '0', 'objectid' => '311']);
// A new version of bank entry 7001 (question.id 9001): a rename in the quiz's list.
$moodle->new_version(7001, '9001', 'What does print() return? (v2)');
$observer->observe(['eventname' => '\core\event\question_updated', 'timecreated' => $t + 5, 'userid' => '311', 'courseid' => '101', 'objectid' => '9001']);

$connection = new AMQPStreamConnection($env('AMQP_HOST', 'localhost'), (int)$env('AMQP_PORT', '5672'),
    $env('AMQP_USER', 'guest'), $env('AMQP_PASSWORD', 'guest'), $env('AMQP_VHOST', '/'));
$publisher = new Publisher($connection, $env('AMQP_EXCHANGE', 'moodle.events'));
$report = function (array $confirmed): void {
    foreach ($confirmed as $eventid => $body) {
        echo json_encode(['eventId' => $eventid, 'body' => $body], MofaBridge\Envelope::JSON_FLAGS), "\n";
    }
};

// The publishing task: every unsent row, marked sent once confirmed.
$confirmed = $publisher->publish($site, $outbox->unsent());
foreach (array_keys($confirmed) as $eventid) {
    $outbox->mark_sent($eventid);
}
$report($confirmed);
$unconfirmed = count($outbox->unsent());

// A confirm lost on the way: the first three rows go again, read from the outbox, so the same messages.
$again = array_slice(array_values(array_filter($outbox->all(), fn(array $r) => $r['fields'] !== [])), 0, 3);
$report($publisher->publish($site, $again));

$publisher->close();
$connection->close();
exit($unconfirmed === 0 ? 0 : 1);
