<?php
// The files Moodle reads from a plugin, checked against what Moodle expects of them: version.php
// (lib/upgradelib.php), db/tasks.php (lib/classes/task/manager.php), db/install.xml (lib/xmldb),
// the privacy provider (privacy/classes/local/metadata/collection.php) and the strings each asks for.

declare(strict_types=1);

namespace core_privacy\local\metadata {
    if (!interface_exists(provider::class)) {
        interface provider
        {
        }
    }
    if (!class_exists(collection::class)) {
        // privacy/classes/local/metadata/collection.php: the two calls the plugin makes, recorded.
        class collection
        {
            public $items = [];

            public function add_database_table($name, array $privacyfields, $summary = '')
            {
                $this->items[] = ['database_table', $name, $privacyfields, $summary];
                return $this;
            }

            public function add_external_location_link($name, array $privacyfields, $summary = '')
            {
                $this->items[] = ['external_location', $name, $privacyfields, $summary];
                return $this;
            }
        }
    }
}

namespace core_privacy\local\request\plugin {
    if (!interface_exists(provider::class)) {
        interface provider
        {
        }
    }
}

namespace core_privacy\local\request {
    if (!interface_exists(core_userlist_provider::class)) {
        interface core_userlist_provider
        {
        }
    }
}

namespace {
    use core_privacy\local\metadata\collection;
    use local_mofabridge\privacy\provider;
    use PHPUnit\Framework\TestCase;

    final class PluginFilesTest extends TestCase
    {
        private const ROOT = __DIR__ . '/..';

        /** lib/upgradelib.php reads $plugin from version.php: component, version, requires (Moodle 4.1 = 2022112800). */
        public function test_version_php_names_the_component_and_requires_moodle_4_1(): void
        {
            if (!defined('MATURITY_BETA')) {
                define('MATURITY_BETA', 100);
            }
            $plugin = new stdClass();
            require self::ROOT . '/version.php';
            $this->assertSame('local_mofabridge', $plugin->component);
            $this->assertSame(2022112800, $plugin->requires);
            $this->assertGreaterThan(2026000000, $plugin->version);
        }

        /** lib/classes/task/manager.php: each classname is a scheduled task class. */
        public function test_db_tasks_names_the_publishing_task(): void
        {
            $tasks = null;
            require self::ROOT . '/db/tasks.php';
            $this->assertSame(['\local_mofabridge\task\publish_outbox'], array_column($tasks, 'classname'));
            $this->assertTrue(is_subclass_of(ltrim($tasks[0]['classname'], '\\'), 'core\task\scheduled_task'));
            $this->assertSame('*', $tasks[0]['minute']);
        }

        /** lib/xmldb: the outbox's sequence column is NOT NULL with a default, so an insert without it never fails. */
        public function test_install_xml_defines_the_outbox_with_a_defaulted_sequence(): void
        {
            $xml = simplexml_load_file(self::ROOT . '/db/install.xml');
            $table = $xml->TABLES->TABLE;
            $this->assertSame('local_mofabridge_outbox', (string)$table['NAME']);
            $fields = [];
            foreach ($table->FIELDS->FIELD as $field) {
                $fields[(string)$field['NAME']] = $field;
            }
            $this->assertSame(['id', 'eventid', 'eventname', 'timecreated', 'sequence', 'actorid', 'userid', 'fields', 'state'], array_keys($fields));
            $this->assertSame(['true', '0'], [(string)$fields['sequence']['NOTNULL'], (string)$fields['sequence']['DEFAULT']]);
            $this->assertSame('true', (string)$fields['id']['SEQUENCE']);
        }

        /** privacy/classes/local/metadata/collection.php: the outbox table and the external location where profiles go. */
        public function test_the_privacy_provider_declares_the_external_location(): void
        {
            $items = provider::get_metadata(new collection('local_mofabridge'))->items;
            $this->assertSame(['database_table', 'external_location'], array_column($items, 0));
            $this->assertSame('mofasync', $items[1][1]);
            $this->assertSame(['userid', 'username', 'email', 'firstname', 'lastname', 'roles'], array_keys($items[1][2]));
        }

        /** Every string the plugin asks for (get_string, lang_string, moodle_exception, privacy keys) is in lang/en. */
        public function test_every_string_the_plugin_uses_exists(): void
        {
            $string = [];
            require self::ROOT . '/lang/en/local_mofabridge.php';
            $used = [];
            foreach (['settings.php', 'classes/task/publish_outbox.php', 'classes/privacy/provider.php'] as $file) {
                $code = (string)file_get_contents(self::ROOT . '/' . $file);
                preg_match_all("/(?:get_string|lang_string|moodle_exception)\\('([a-z_:]+)', 'local_mofabridge'\\)/", $code, $calls);
                preg_match_all("/'(privacy:metadata:[a-z:_]+)'/", $code, $privacy);
                $used = array_merge($used, $calls[1], $privacy[1]);
            }
            $this->assertGreaterThanOrEqual(20, count(array_unique($used)));
            $this->assertSame([], array_values(array_diff(array_unique($used), array_keys($string))));
            $this->assertArrayHasKey('pluginname', $string);
        }
    }
}
