<?php
// The bridge's outbox. In the plugin this is a table (see README.md: install.xml) written by an
// internal observer inside Moodle's own transaction; here it is a JSON file, so the example runs
// without Moodle. What matters is the same in both:
//  - a row is written once per Moodle event, with its eventId made then (never again);
//  - the row's auto-increment id is the event's sequence;
//  - a quiz_questions_changed row derived from a trigger reuses the trigger's time, sequence and
//    actor, and takes the id "{trigger eventId}:quiz:{quizId}";
//  - publishing reads rows back, so a re-published row is the same message, byte for byte.

declare(strict_types=1);

namespace MofaBridge;

final class Outbox
{
    /** @var array<int, array> rows by id */
    private array $rows = [];

    public function __construct(private readonly string $file)
    {
        if (is_file($file) && filesize($file) > 0) {
            foreach (json_decode((string)file_get_contents($file), true, 512, JSON_THROW_ON_ERROR) as $row) {
                $this->rows[(int)$row['id']] = $row;
            }
        }
    }

    /** Records one Moodle event; returns its row. $fields are the contract's fields after the envelope. */
    public function record(string $eventname, int $timecreated, int $actorid, array $fields): array
    {
        $id = $this->rows === [] ? 1 : max(array_keys($this->rows)) + 1;
        return $this->add([
            'id' => $id,
            'eventid' => Envelope::uuid(),
            'eventname' => $eventname,
            'timecreated' => $timecreated,
            'sequence' => $id,
            'actorid' => $actorid,
            'fields' => $fields,
            'sent' => false,
        ]);
    }

    /** Records the quiz_questions_changed of one quiz, derived from the row of the event that changed it. */
    public function record_quiz_list(array $trigger, int $quizid, array $fields): array
    {
        $id = max(array_keys($this->rows)) + 1;
        return $this->add([
            'id' => $id,
            'eventid' => $trigger['eventid'] . ':quiz:' . $quizid,
            'eventname' => '\\mod_quiz\\event\\quiz_questions_changed',
            'timecreated' => $trigger['timecreated'],
            'sequence' => $trigger['sequence'],
            'actorid' => $trigger['actorid'],
            'fields' => $fields,
            'sent' => false,
        ]);
    }

    /** @return array[] the rows not confirmed yet, oldest first */
    public function unsent(): array
    {
        return array_values(array_filter($this->rows, fn(array $r) => !$r['sent']));
    }

    /** @return array[] every row, oldest first */
    public function all(): array
    {
        return array_values($this->rows);
    }

    public function mark_sent(string $eventid): void
    {
        foreach ($this->rows as $id => $row) {
            if ($row['eventid'] === $eventid) {
                $this->rows[$id]['sent'] = true;
            }
        }
        $this->save();
    }

    private function add(array $row): array
    {
        $this->rows[$row['id']] = $row;
        $this->save();
        return $row;
    }

    private function save(): void
    {
        file_put_contents($this->file, json_encode(array_values($this->rows), Envelope::JSON_FLAGS), LOCK_EX);
    }
}
