<?php
// This file is part of local_mofabridge.

namespace local_mofabridge;

defined('MOODLE_INTERNAL') || die();

/**
 * The contract's envelope (docs/contract.md): routing key, field order, JSON encoding.
 * Nothing in it depends on Moodle.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class envelope {
    /** The contract's version. */
    public const SCHEMA_VERSION = 1;

    /**
     * JSON flags for every body. JSON_THROW_ON_ERROR: json_encode returns false on failure
     * otherwise, and "false" would be published. JSON_INVALID_UTF8_SUBSTITUTE: a value with broken
     * UTF-8 (old data, a cut multibyte character) becomes U+FFFD instead of failing the event.
     */
    public const JSON_FLAGS = JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE
        | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;

    /**
     * \core\event\course_module_created → core.course_module_created
     *
     * @param string $eventname Moodle's event name
     * @return string the routing key
     */
    public static function routing_key(string $eventname): string {
        $parts = explode('\\', ltrim($eventname, '\\'));
        if (count($parts) !== 3 || $parts[1] !== 'event' || $parts[0] === '' || $parts[2] === '') {
            throw new \InvalidArgumentException("not a Moodle event name: {$eventname}");
        }
        return $parts[0] . '.' . $parts[2];
    }

    /**
     * The body of one outbox row: the envelope first, then the event's own fields.
     *
     * @param string $site the site's wwwroot
     * @param array $row an outbox row: eventid, eventname, timecreated, sequence, actorid, fields (array)
     * @return string the JSON body
     */
    public static function body(string $site, array $row): string {
        $body = [
            'schemaVersion' => self::SCHEMA_VERSION,
            'eventId' => (string)$row['eventid'],
            'site' => $site,
            'eventName' => (string)$row['eventname'],
            'timeCreated' => (int)$row['timecreated'],
            'sequence' => (int)$row['sequence'],
            'actorId' => (int)$row['actorid'],
        ];
        foreach ($row['fields'] as $name => $value) {
            $body[$name] = $value;
        }
        return json_encode($body, self::JSON_FLAGS);
    }

    /**
     * A random (version 4) UUID: \core\uuid::generate() inside Moodle, the same thing outside it.
     *
     * @return string
     */
    public static function uuid(): string {
        if (class_exists('\core\uuid')) {
            return \core\uuid::generate();
        }
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}
