<?php
// Publishes outbox rows to the exchange with php-amqplib: persistent, application/json,
// message-id = eventId, publisher confirms. A row is marked sent only once the broker confirms
// it; an unconfirmed row stays in the outbox and goes again on the next run, as the same message.

declare(strict_types=1);

namespace MofaBridge;

use PhpAmqpLib\Channel\AMQPChannel;
use PhpAmqpLib\Connection\AMQPStreamConnection;
use PhpAmqpLib\Message\AMQPMessage;

final class Publisher
{
    private AMQPChannel $channel;

    /** @var array<string, bool> eventId => confirmed (true) or refused (false) by the broker */
    private array $answers = [];

    public function __construct(AMQPStreamConnection $connection, private readonly string $exchange)
    {
        $this->channel = $connection->channel();
        // Exactly the contract's settings (topic, durable, not auto-deleted): other settings
        // make the broker refuse the declaration (406 PRECONDITION_FAILED).
        $this->channel->exchange_declare($exchange, 'topic', false, true, false);
        $this->channel->confirm_select();
        $this->channel->set_ack_handler(function (AMQPMessage $m): void {
            $this->answers[$m->get('message_id')] = true;
        });
        $this->channel->set_nack_handler(function (AMQPMessage $m): void {
            $this->answers[$m->get('message_id')] = false;
        });
    }

    /**
     * Publishes the rows and waits for the broker's confirms.
     *
     * @param array[] $rows outbox rows
     * @return array<string, string> eventId => body, of the rows the broker confirmed
     */
    public function publish(string $site, array $rows, float $timeoutseconds = 30.0): array
    {
        $bodies = [];
        foreach ($rows as $row) {
            $body = Envelope::body($site, $row);
            $bodies[$row['eventid']] = $body;
            $message = new AMQPMessage($body, [
                'content_type' => 'application/json',
                'delivery_mode' => AMQPMessage::DELIVERY_MODE_PERSISTENT,
                'message_id' => $row['eventid'],
            ]);
            $this->channel->basic_publish($message, $this->exchange, Envelope::routing_key($row['eventname']));
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

    public function close(): void
    {
        $this->channel->close();
    }
}
