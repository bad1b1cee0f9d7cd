<?php
// The plugin declares Moodle 4.1 (version.php), which runs on PHP 7.4, and Debian (bookworm) offers
// no PHP below 8.2 to lint with. So every file a site copies is scanned with PHP's own tokenizer
// for the syntax and functions PHP 7.4 lacks; the scanner is first shown each construct, so the
// scan could fail.

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

final class Php74SyntaxTest extends TestCase
{
    /** Functions that PHP 8.0 and later added. */
    private const NEWER_FUNCTIONS = ['str_contains', 'str_starts_with', 'str_ends_with', 'get_debug_type', 'get_resource_id',
        'fdiv', 'preg_last_error_msg', 'array_is_list', 'enum_exists', 'fsync', 'fdatasync', 'mb_str_pad', 'json_validate'];

    /**
     * What of PHP 8.x syntax the code uses, one line per finding ("line 12: match (8.0)").
     *
     * @return string[]
     */
    public static function newer_syntax(string $code): array
    {
        $tokens = array_values(array_filter(token_get_all($code), function ($t): bool {
            return !is_array($t) || !in_array($t[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], true);
        }));
        $found = [];
        $text = function (int $i) use ($tokens): string {
            return isset($tokens[$i]) ? (is_array($tokens[$i]) ? $tokens[$i][1] : $tokens[$i]) : '';
        };
        $id = function (int $i) use ($tokens) {
            return isset($tokens[$i]) && is_array($tokens[$i]) ? $tokens[$i][0] : null;
        };
        $line = 1;
        $signature = 0;      // > 0 inside a function's parameter list (parenthesis depth)
        $constructor = false;
        $direct = [T_MATCH => 'match (8.0)', T_NULLSAFE_OBJECT_OPERATOR => 'nullsafe ?-> (8.0)', T_ATTRIBUTE => 'attribute #[ (8.0)',
            T_READONLY => 'readonly (8.1)', T_ENUM => 'enum (8.1)'];
        foreach ($tokens as $i => $t) {
            $line = is_array($t) ? $t[2] : $line;
            $add = function (string $what) use (&$found, &$line): void {
                $found[] = "line {$line}: {$what}";
            };
            $kind = $id($i);
            if ($kind !== null && isset($direct[$kind])) {
                $add($direct[$kind]);
            }
            if (($kind === T_FUNCTION || $kind === T_FN)) {
                $constructor = strtolower($text($i + 1)) === '__construct';
                $signature = -1;   // the next "(" opens the parameter list
                continue;
            }
            if ($signature === -1 && $text($i) === '(') {
                $signature = 1;
                continue;
            }
            if ($signature > 0) {
                if ($text($i) === '(') {
                    $signature++;
                } elseif ($text($i) === ')') {
                    if ($text($i - 1) === ',') {
                        $add('trailing comma in a parameter list (8.0)');
                    }
                    $signature--;
                    if ($signature === 0) {
                        // The return type, if any: ": type" up to "{", ";" or "=>".
                        for ($j = $i + 1; isset($tokens[$j]) && !in_array($text($j), ['{', ';', '=>'], true); $j++) {
                            if ($text($j) === '|' || $id($j) === T_STATIC || in_array(strtolower($text($j)), ['mixed', 'never'], true)) {
                                $add("return type {$text($j)} (8.0/8.1)");
                            }
                        }
                        $constructor = false;
                    }
                } elseif ($text($i) === '|') {
                    $add('union type (8.0)');
                } elseif ($kind === T_NEW) {
                    $add('new in an initializer (8.1)');
                } elseif ($constructor && in_array($kind, [T_PUBLIC, T_PROTECTED, T_PRIVATE], true)) {
                    $add('promoted constructor property (8.0)');
                } elseif ($kind === T_STRING && strtolower($text($i)) === 'mixed') {
                    $add('mixed type (8.0)');
                }
                continue;
            }
            if ($text($i) === '(' && $id($i + 1) === T_ELLIPSIS && $text($i + 2) === ')') {
                $add('first-class callable syntax (8.1)');
            }
            if ($kind === T_STRING && $text($i + 1) === ':' && in_array($text($i - 1), ['(', ','], true)) {
                $add("named argument {$text($i)}: (8.0)");
            }
            if ($kind === T_CATCH) {
                for ($j = $i + 2; isset($tokens[$j]) && $text($j) !== ')'; $j++) {
                    if ($id($j) === T_VARIABLE) {
                        continue 2;
                    }
                }
                $add('catch without a variable (8.0)');
            }
            if ($kind === T_THROW && !in_array($text($i - 1), [';', '{', '}', ':', ')', 'else', 'do', '<?php'], true) && $id($i - 1) !== T_OPEN_TAG) {
                $add('throw as an expression (8.0)');
            }
            if ($kind === T_VARIABLE && $id($i + 1) === T_DOUBLE_COLON && $id($i + 2) === T_CLASS) {
                $add('$object::class (8.0)');
            }
            if ($kind === T_LNUMBER && stripos($text($i), '0o') === 0) {
                $add('0o octal literal (8.1)');
            }
            if ($kind === T_STRING && $text($i + 1) === '(' && in_array(strtolower($text($i)), self::NEWER_FUNCTIONS, true)
                    && !in_array($id($i - 1), [T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION], true)) {
                $add("function {$text($i)}() (8.0+)");
            }
        }
        return $found;
    }

    /** @return string[] every PHP file a site copies (all but these tests) */
    private static function plugin_files(): array
    {
        $root = realpath(__DIR__ . '/..');
        $files = [];
        foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS)) as $file) {
            $path = $file->getPathname();
            if (substr($path, -4) === '.php' && strpos($path, $root . '/tests/') !== 0 && strpos($path, $root . '/vendor/') !== 0) {
                $files[] = $path;
            }
        }
        sort($files);
        return $files;
    }

    public function test_the_scanner_finds_each_construct_php_7_4_lacks(): void
    {
        $samples = [
            'match (8.0)' => '$a = match ($b) { 1 => 2, default => 3 };',
            'nullsafe ?-> (8.0)' => '$a = $b?->c;',
            'attribute #[ (8.0)' => '#[Attr] function f() {}',
            'readonly (8.1)' => 'class A { public readonly int $x; }',
            'enum (8.1)' => 'enum Suit { case Hearts; }',
            'promoted constructor property (8.0)' => 'class A { public function __construct(private $x) {} }',
            'union type (8.0)' => 'function f(int|string $x) {}',
            'new in an initializer (8.1)' => 'function f($x = new A()) {}',
            'trailing comma in a parameter list (8.0)' => 'function f($x, ) {}',
            'return type never (8.0/8.1)' => 'function f(): never { exit; }',
            'mixed type (8.0)' => 'function f(mixed $x) {}',
            'first-class callable syntax (8.1)' => '$f = strlen(...);',
            'named argument length: (8.0)' => 'f(length: 3);',
            'catch without a variable (8.0)' => 'try { f(); } catch (Exception) {}',
            'throw as an expression (8.0)' => '$a = $b ?? throw new Exception();',
            '$object::class (8.0)' => '$c = $o::class;',
            'function str_contains() (8.0+)' => 'if (str_contains($a, "b")) {}',
        ];
        foreach ($samples as $what => $code) {
            $this->assertContains("line 1: {$what}", self::newer_syntax("<?php {$code}"), $code);
        }
        $this->assertSame([], self::newer_syntax('<?php class A { private $x; public function __construct(int $x = 0) { $this->x = $x; }
            public function f(?string $s, array $a = []): ?int { $g = fn($v) => $v * 2; try { $y = $a ? 1 : 2; } catch (\Exception $e) { throw $e; }
            switch ($s) { case X: return 1; default: return null; } } }'));
    }

    public function test_no_file_uses_syntax_newer_than_php_7_4(): void
    {
        $files = self::plugin_files();
        $this->assertGreaterThanOrEqual(18, count($files));
        $findings = [];
        foreach ($files as $file) {
            foreach (self::newer_syntax((string)file_get_contents($file)) as $finding) {
                $findings[] = basename(dirname($file)) . '/' . basename($file) . " {$finding}";
            }
        }
        $this->assertSame([], $findings);
    }
}
