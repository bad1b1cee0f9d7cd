<?php
// What the plugin uses of Moodle besides $DB, for running it without Moodle, with Moodle's
// semantics: the class autoloader (lib/classes/component.php maps local_mofabridge\x\y to
// local/mofabridge/classes/x/y.php), MOODLE_INTERNAL, FEATURE_CAN_DISPLAY and plugin_supports()
// (lib/moodlelib.php: {modname}_supports($feature), or the default when the module does not say),
// and qbank_supports() as mod/qbank/lib.php (Moodle 5.0) answers it.

declare(strict_types=1);

if (!defined('MOODLE_INTERNAL')) {
    define('MOODLE_INTERNAL', true);
}
if (!defined('FEATURE_CAN_DISPLAY')) {
    define('FEATURE_CAN_DISPLAY', 'candisplay');
}

spl_autoload_register(function (string $class): void {
    $prefix = 'local_mofabridge\\';
    if (strpos($class, $prefix) !== 0) {
        return;
    }
    $relative = str_replace('\\', '/', substr($class, strlen($prefix)));
    // The stand-ins (local_mofabridge\example\…) live in example/, outside Moodle's classes/.
    $file = __DIR__ . '/../' . (strpos($relative, 'example/') === 0 ? '' : 'classes/') . $relative . '.php';
    if (is_file($file)) {
        require_once $file;
    }
});

if (!function_exists('plugin_supports')) {
    function plugin_supports($type, $name, $feature, $default = null)
    {
        $function = "{$name}_supports";
        if ($type !== 'mod' || !function_exists($function)) {
            return $default;
        }
        $supported = $function($feature);
        return $supported === null ? $default : $supported;
    }
}

if (!function_exists('qbank_supports')) {
    function qbank_supports($feature)
    {
        return $feature === FEATURE_CAN_DISPLAY ? false : null;
    }
}
