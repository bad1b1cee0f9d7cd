<?php
// This file is part of local_mofabridge.

/**
 * The plugin's settings page (admin/settings/plugins.php includes it with $hassiteconfig and $ADMIN).
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

if ($hassiteconfig) {
    $settings = new admin_settingpage('local_mofabridge', new lang_string('pluginname', 'local_mofabridge'));
    $ADMIN->add('localplugins', $settings);

    $settings->add(new admin_setting_configtext('local_mofabridge/host',
        new lang_string('host', 'local_mofabridge'), new lang_string('host_desc', 'local_mofabridge'), '', PARAM_HOST));
    $settings->add(new admin_setting_configtext('local_mofabridge/port',
        new lang_string('port', 'local_mofabridge'), '', 5672, PARAM_INT));
    $settings->add(new admin_setting_configtext('local_mofabridge/user',
        new lang_string('user', 'local_mofabridge'), '', 'guest', PARAM_RAW_TRIMMED));
    // Never shown in a log line or an error: only the connection reads it.
    $settings->add(new admin_setting_configpasswordunmask('local_mofabridge/password',
        new lang_string('password', 'local_mofabridge'), '', ''));
    $settings->add(new admin_setting_configtext('local_mofabridge/vhost',
        new lang_string('vhost', 'local_mofabridge'), '', '/', PARAM_RAW_TRIMMED));
    $settings->add(new admin_setting_configtext('local_mofabridge/exchange',
        new lang_string('exchange', 'local_mofabridge'), new lang_string('exchange_desc', 'local_mofabridge'), 'moodle.events', PARAM_RAW_TRIMMED));
    $settings->add(new admin_setting_configtext('local_mofabridge/site',
        new lang_string('site', 'local_mofabridge'), new lang_string('site_desc', 'local_mofabridge'), '', PARAM_URL));
    $settings->add(new admin_setting_configtext('local_mofabridge/retentiondays',
        new lang_string('retentiondays', 'local_mofabridge'), new lang_string('retentiondays_desc', 'local_mofabridge'), 30, PARAM_INT));
}
