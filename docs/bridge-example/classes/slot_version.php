<?php
// This file is part of local_mofabridge.

namespace local_mofabridge;

defined('MOODLE_INTERNAL') || die();

/**
 * Which version of a bank entry a quiz slot shows: Moodle's own rule, from
 * mod/quiz/classes/question/bank/qbank_helper.php (get_question_structure):
 * the pinned version (question_references.version) when there is one; else the highest version
 * that is not a draft (ready or hidden: deleting a question a quiz uses only hides it, and the
 * quiz keeps showing it); else the highest draft. A slot whose pinned version does not exist
 * resolves to nothing (Moodle shows "missing question"): the bridge leaves it out of the list.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
final class slot_version {
    /** question_versions.status of a draft (core_question\local\bank\question_version_status). */
    public const DRAFT = 'draft';

    /**
     * @param int|string|null $pinned question_references.version (null: always the latest)
     * @param \stdClass[] $versions the entry's question_versions rows (version, questionid, status)
     * @return \stdClass|null the row the slot shows, or null when it resolves to none
     */
    public static function choose($pinned, array $versions): ?\stdClass {
        if ($pinned !== null) {
            foreach ($versions as $v) {
                if ((int)$v->version === (int)$pinned) {
                    return $v;
                }
            }
            return null;
        }
        $usable = null;
        $any = null;
        foreach ($versions as $v) {
            if ($any === null || (int)$v->version > (int)$any->version) {
                $any = $v;
            }
            if ($v->status !== self::DRAFT && ($usable === null || (int)$v->version > (int)$usable->version)) {
                $usable = $v;
            }
        }
        return $usable ?? $any;
    }
}
