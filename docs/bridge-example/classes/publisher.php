<?php
// This file is part of local_mofabridge.

namespace local_mofabridge;

defined('MOODLE_INTERNAL') || die();

use PhpAmqpLib\Channel\AMQPChannel;
use PhpAmqpLib\Connection\AbstractConnection;
use PhpAmqpLib\Message\AMQPMessage;

/**
 * Publishes outbox rows to the exchange with php-amqplib: persistent, application/json,
 * message-id = eventId, publisher confirms. A row counts as published only once the broker
 * confirms it; an unconfirmed row stays in the outbox and goes again, as the same message.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class publisher {
    /** @var AMQPChannel */
    private $channel;

    /** @var string */
    private $exchange;

    /** @var array<string, bool> eventId => confirmed (true) or refused (false) by the broker */
    private $answers = [];

    /**
     * @param AbstractConnection $connection
     * @param string $exchange
     */
    public function __construct(AbstractConnection $connection, string $exchange) {
        $this->exchange = $exchange;
        $this->channel = $connection->channel();
        // Exactly the contract's settings (topic, durable, not auto-deleted): other settings
        // make the broker refuse the declaration (406 PRECONDITION_FAILED).
        $this->channel->exchange_declare($exchange, 'topic', false, true, false);
        $this->channel->confirm_select();
        $answers = &$this->answers;
        $this->channel->set_ack_handler(function (AMQPMessage $m) use (&$answers): void {
            $answers[$m->get('message_id')] = true;
        });
        $this->channel->set_nack_handler(function (AMQPMessage $m) use (&$answers): void {
            $answers[$m->get('message_id')] = false;
        });
    }

    /**
     * Publishes the rows and waits for the broker's confirms.
     *
     * @param string $site the site's wwwroot
     * @param array[] $rows outbox rows, fields decoded
     * @param float $timeoutseconds
     * @return array<string, string> eventId => body, of the rows the broker confirmed
     */
    public function publish(string $site, array $rows, float $timeoutseconds = 30.0): array {
        $bodies = [];
        foreach ($rows as $row) {
            $body = envelope::body($site, $row);
            $bodies[(string)$row['eventid']] = $body;
            $message = new AMQPMessage($body, [
                'content_type' => 'application/json',
                'delivery_mode' => AMQPMessage::DELIVERY_MODE_PERSISTENT,
                'message_id' => (string)$row['eventid'],
            ]);
            $this->channel->basic_publish($message, $this->exchange, envelope::routing_key((string)$row['eventname']));
        }
        $this->channel->wait_for_pending_acks($timeoutseconds);

        $confirmed = [];
        foreach ($bodies as $eventid => $body) {
            if (($this->answers[$eventid] ?? false) === true) {
                $confirmed[$eventid] = $body;
            }
        }
        return $confirmed;
    }

    /**
     * Closes the channel.
     */
    public function close(): void {
        $this->channel->close();
    }
}
