<?php
// This file is part of local_mofabridge.

namespace local_mofabridge\privacy;

defined('MOODLE_INTERNAL') || die();

use core_privacy\local\metadata\collection;
use core_privacy\local\request\approved_contextlist;
use core_privacy\local\request\approved_userlist;
use core_privacy\local\request\contextlist;
use core_privacy\local\request\userlist;
use core_privacy\local\request\writer;
use local_mofabridge\outbox;

/**
 * Privacy API (privacy/classes/local/metadata/collection.php): teachers' profiles leave the site
 * for Mofa.Sync, an external location that must be declared (add_external_location_link); until
 * published, and for the retention after, they sit in the outbox table, in the system context.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class provider implements
        \core_privacy\local\metadata\provider,
        \core_privacy\local\request\plugin\provider,
        \core_privacy\local\request\core_userlist_provider {

    /**
     * @param collection $collection
     * @return collection
     */
    public static function get_metadata(collection $collection): collection {
        $collection->add_database_table(outbox::TABLE, [
            'userid' => 'privacy:metadata:outbox:userid',
            'actorid' => 'privacy:metadata:outbox:actorid',
            'fields' => 'privacy:metadata:outbox:fields',
        ], 'privacy:metadata:outbox');
        $collection->add_external_location_link('mofasync', [
            'userid' => 'privacy:metadata:mofasync:userid',
            'username' => 'privacy:metadata:mofasync:username',
            'email' => 'privacy:metadata:mofasync:email',
            'firstname' => 'privacy:metadata:mofasync:firstname',
            'lastname' => 'privacy:metadata:mofasync:lastname',
            'roles' => 'privacy:metadata:mofasync:roles',
        ], 'privacy:metadata:mofasync');
        return $collection;
    }

    /**
     * @param int $userid
     * @return contextlist the system context when the outbox holds a row of the user
     */
    public static function get_contexts_for_userid(int $userid): contextlist {
        $contextlist = new contextlist();
        $contextlist->add_from_sql('SELECT ctx.id FROM {context} ctx WHERE ctx.contextlevel = :level AND EXISTS (
            SELECT 1 FROM {' . outbox::TABLE . '} o WHERE o.userid = :userid OR o.actorid = :actorid)',
            ['level' => CONTEXT_SYSTEM, 'userid' => $userid, 'actorid' => $userid]);
        return $contextlist;
    }

    /**
     * @param userlist $userlist
     */
    public static function get_users_in_context(userlist $userlist) {
        if ($userlist->get_context()->contextlevel != CONTEXT_SYSTEM) {
            return;
        }
        $userlist->add_from_sql('userid', 'SELECT userid FROM {' . outbox::TABLE . '} WHERE userid > 0', []);
        $userlist->add_from_sql('actorid', 'SELECT actorid FROM {' . outbox::TABLE . '} WHERE actorid > 0', []);
    }

    /**
     * @param approved_contextlist $contextlist
     */
    public static function export_user_data(approved_contextlist $contextlist) {
        global $DB;
        $userid = $contextlist->get_user()->id;
        foreach ($contextlist->get_contexts() as $context) {
            if ($context->contextlevel != CONTEXT_SYSTEM) {
                continue;
            }
            $rows = $DB->get_records_select(outbox::TABLE, 'userid = :userid OR actorid = :actorid',
                ['userid' => $userid, 'actorid' => $userid], 'id', 'id, eventname, timecreated, fields, state');
            writer::with_context($context)->export_data([get_string('pluginname', 'local_mofabridge')],
                (object)['messages' => array_values($rows)]);
        }
    }

    /**
     * @param \context $context
     */
    public static function delete_data_for_all_users_in_context(\context $context) {
        global $DB;
        if ($context->contextlevel == CONTEXT_SYSTEM) {
            $DB->delete_records_select(outbox::TABLE, 'userid > 0');
            $DB->set_field_select(outbox::TABLE, 'actorid', 0, 'actorid > 0');
        }
    }

    /**
     * @param approved_contextlist $contextlist
     */
    public static function delete_data_for_user(approved_contextlist $contextlist) {
        foreach ($contextlist->get_contexts() as $context) {
            if ($context->contextlevel == CONTEXT_SYSTEM) {
                self::delete_user((int)$contextlist->get_user()->id);
            }
        }
    }

    /**
     * @param approved_userlist $userlist
     */
    public static function delete_data_for_users(approved_userlist $userlist) {
        if ($userlist->get_context()->contextlevel == CONTEXT_SYSTEM) {
            foreach ($userlist->get_userids() as $userid) {
                self::delete_user((int)$userid);
            }
        }
    }

    /**
     * The user's profile rows go; the rows they caused keep their content without them.
     *
     * @param int $userid
     */
    private static function delete_user(int $userid): void {
        global $DB;
        $DB->delete_records(outbox::TABLE, ['userid' => $userid]);
        $DB->set_field(outbox::TABLE, 'actorid', 0, ['actorid' => $userid]);
    }
}
