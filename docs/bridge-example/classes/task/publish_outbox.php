<?php
// This file is part of local_mofabridge.

namespace local_mofabridge\task;

defined('MOODLE_INTERNAL') || die();

use local_mofabridge\event_translator;
use local_mofabridge\moodle_reader;
use local_mofabridge\outbox;
use local_mofabridge\publisher;
use PhpAmqpLib\Connection\AMQPStreamConnection;

/**
 * Publishes the outbox (db/tasks.php: every minute). Runs as the main administrator, as every
 * task does (\core\cron::setup_user): events it causes carry that user id.
 * First it translates again the events whose translation failed in the observer, then publishes
 * the waiting rows in id order with confirms, then deletes rows done for longer than the retention.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class publish_outbox extends \core\task\scheduled_task {
    /** Rows per batch. */
    private const BATCH = 500;

    /**
     * @return string
     */
    public function get_name() {
        return get_string('taskpublish', 'local_mofabridge');
    }

    /**
     * Runs the task.
     */
    public function execute() {
        global $CFG, $DB;
        $config = get_config('local_mofabridge');
        $outbox = new outbox($DB);
        self::retry_failed($outbox, $DB);

        if (empty($config->host)) {
            mtrace('local_mofabridge: no broker configured (Site administration > Plugins > Local plugins > Mofa.Sync bridge); the outbox keeps the messages');
            return;
        }
        self::require_amqplib();
        $setting = function (string $name, string $default) use ($config): string {
            return isset($config->$name) && (string)$config->$name !== '' ? (string)$config->$name : $default;
        };
        $connection = new AMQPStreamConnection($config->host, (int)$setting('port', '5672'), $setting('user', 'guest'),
            $setting('password', ''), $setting('vhost', '/'));
        $publisher = new publisher($connection, $setting('exchange', 'moodle.events'));
        $site = $setting('site', $CFG->wwwroot);
        try {
            $published = self::publish($outbox, $publisher, $site);
            mtrace("local_mofabridge: {$published} message(s) published");
        } finally {
            $publisher->close();
            $connection->close();
        }

        $days = (int)$setting('retentiondays', '30');
        $DB->delete_records_select(outbox::TABLE, 'state = :done AND timecreated < :before',
            ['done' => outbox::DONE, 'before' => time() - max(1, $days) * DAYSECS]);
    }

    /**
     * Publishes waiting rows until none is left or the broker leaves one unconfirmed.
     *
     * @param outbox $outbox
     * @param publisher $publisher
     * @param string $site
     * @return int the rows published
     */
    public static function publish(outbox $outbox, publisher $publisher, string $site): int {
        $published = 0;
        while (($rows = $outbox->waiting(self::BATCH)) !== []) {
            $confirmed = $publisher->publish($site, $rows);
            foreach ($rows as $row) {
                if (isset($confirmed[(string)$row['eventid']])) {
                    $outbox->mark_done((int)$row['id']);
                    $published++;
                }
            }
            if (count($confirmed) < count($rows)) {
                mtrace('local_mofabridge: the broker confirmed ' . count($confirmed) . ' of ' . count($rows)
                    . ' message(s); the others stay in the outbox for the next run');
                break;
            }
        }
        return $published;
    }

    /**
     * Translates again the events the observer kept after a failure.
     *
     * @param outbox $outbox
     * @param \moodle_database $db
     */
    public static function retry_failed(outbox $outbox, $db): void {
        foreach ($outbox->failed(self::BATCH) as $row) {
            try {
                (new event_translator(new moodle_reader($db), $outbox))->translate($row['fields']);
                $outbox->mark_done((int)$row['id']);
            } catch (\Throwable $e) {
                mtrace("local_mofabridge: event {$row['eventname']} (outbox row {$row['id']}) still cannot be translated: "
                    . get_class($e) . ': ' . strtok($e->getMessage() . "\n", "\n"));
            }
        }
    }

    /**
     * php-amqplib: Composer's vendor folder in the plugin, else Debian's php-amqplib package.
     */
    private static function require_amqplib(): void {
        if (class_exists(AMQPStreamConnection::class)) {
            return;
        }
        foreach ([__DIR__ . '/../../vendor/autoload.php', '/usr/share/php/PhpAmqpLib/autoload.php'] as $autoloader) {
            if (is_file($autoloader)) {
                require_once($autoloader);
                return;
            }
        }
        throw new \moodle_exception('noamqplib', 'local_mofabridge');
    }
}
