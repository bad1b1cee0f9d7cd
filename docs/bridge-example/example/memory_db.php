<?php
// A stand-in for Moodle's $DB (lib/dml/moodle_database.php), so that the plugin's own classes run
// without Moodle: tables in memory, and the answers Moodle gives, which is what the plugin must
// cope with:
//  - every column comes back as a string (or null), as the database drivers return it;
//  - get_record() and get_field() return false when nothing matches (IGNORE_MISSING);
//  - get_records() returns an array keyed by the first selected column (usually id), [] for none;
//  - insert_record() returns the new id (an auto-increment that never reuses a number).
// Only the calls the plugin makes are here. A failure can be injected per table and call.

declare(strict_types=1);

namespace local_mofabridge\example;

final class memory_db
{
    /** @var array<string, array<int, array<string, string|null>>> table => id => row */
    public $tables = [];

    /** @var array<string, \Throwable> "call table" (e.g. "insert_record local_mofabridge_outbox") => what it throws */
    public $failures = [];

    /** @var array<string, int> table => last id given */
    private $lastid = [];

    public function get_record(string $table, array $conditions, string $fields = '*')
    {
        $this->fail(__FUNCTION__, $table);
        $rows = $this->select($table, $conditions, '', $fields);
        return $rows === [] ? false : reset($rows);
    }

    public function get_field(string $table, string $field, array $conditions)
    {
        $this->fail(__FUNCTION__, $table);
        $rows = $this->select($table, $conditions, '', $field);
        return $rows === [] ? false : reset($rows)->$field;
    }

    public function get_records(string $table, array $conditions = [], string $sort = '', string $fields = '*', int $limitfrom = 0, int $limitnum = 0): array
    {
        $this->fail(__FUNCTION__, $table);
        $rows = $this->select($table, $conditions, $sort, $fields);
        $rows = array_slice($rows, $limitfrom, $limitnum > 0 ? $limitnum : null);
        $keyed = [];
        foreach ($rows as $row) {
            $first = array_keys((array)$row)[0];
            $keyed[(string)$row->$first] = $row;
        }
        return $keyed;
    }

    public function record_exists(string $table, array $conditions): bool
    {
        $this->fail(__FUNCTION__, $table);
        return $this->select($table, $conditions, '', '*') !== [];
    }

    public function insert_record(string $table, $dataobject): int
    {
        $this->fail(__FUNCTION__, $table);
        $id = ($this->lastid[$table] ?? 0) + 1;
        $this->lastid[$table] = $id;
        $row = ['id' => (string)$id];
        foreach ((array)$dataobject as $name => $value) {
            if ($name !== 'id') {
                $row[$name] = $value === null ? null : (string)$value;
            }
        }
        $this->tables[$table][$id] = $row;
        return $id;
    }

    public function set_field(string $table, string $newfield, $newvalue, array $conditions): bool
    {
        $this->fail(__FUNCTION__, $table);
        foreach ($this->tables[$table] ?? [] as $id => $row) {
            if (self::matches($row, $conditions)) {
                $this->tables[$table][$id][$newfield] = $newvalue === null ? null : (string)$newvalue;
            }
        }
        return true;
    }

    public function delete_records(string $table, array $conditions = []): bool
    {
        $this->fail(__FUNCTION__, $table);
        foreach ($this->tables[$table] ?? [] as $id => $row) {
            if (self::matches($row, $conditions)) {
                unset($this->tables[$table][$id]);
            }
        }
        return true;
    }

    private function fail(string $call, string $table): void
    {
        if (isset($this->failures["{$call} {$table}"])) {
            throw $this->failures["{$call} {$table}"];
        }
    }

    /** @return \stdClass[] */
    private function select(string $table, array $conditions, string $sort, string $fields): array
    {
        $rows = array_values(array_filter($this->tables[$table] ?? [], function (array $row) use ($conditions): bool {
            return self::matches($row, $conditions);
        }));
        if ($sort !== '') {
            [$column, $direction] = array_pad(preg_split('/\s+/', trim($sort)), 2, 'ASC');
            usort($rows, function (array $a, array $b) use ($column, $direction): int {
                $order = (float)$a[$column] <=> (float)$b[$column];
                return strtoupper($direction) === 'DESC' ? -$order : $order;
            });
        }
        $names = $fields === '*' ? null : array_map('trim', explode(',', $fields));
        return array_map(function (array $row) use ($names): \stdClass {
            if ($names === null) {
                return (object)$row;
            }
            $picked = [];
            foreach ($names as $name) {
                $picked[$name] = $row[$name] ?? null;
            }
            return (object)$picked;
        }, $rows);
    }

    /** SQL's "column = value" for each condition; a null condition is "IS NULL". */
    private static function matches(array $row, array $conditions): bool
    {
        foreach ($conditions as $name => $value) {
            $actual = $row[$name] ?? null;
            if ($value === null ? $actual !== null : ($actual === null || (string)$actual !== (string)$value)) {
                return false;
            }
        }
        return true;
    }
}
