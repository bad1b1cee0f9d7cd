<?php
// This file is part of local_mofabridge, the Moodle side of the Mofa.Sync bridge contract
// (docs/contract.md of the Mofa.Sync repository).

/**
 * Version information (lib/upgradelib.php reads $plugin; a local plugin lives in local/mofabridge).
 *
 * Requires Moodle 4.1 (2022112800): question bank entries and versions (4.0) and the quiz's
 * question_references. The code runs on every PHP these releases allow: Moodle 4.1 runs on
 * PHP 7.4 to 8.1, 4.2 and 4.3 on 8.0 to 8.2, 4.4 and 4.5 on 8.1 to 8.3, 5.0 on 8.2 to 8.4
 * (each release's admin/environment.xml). So PHP 7.4 syntax only: no promoted or readonly
 * properties, enums, match, nullsafe operator, union types, named arguments or str_contains();
 * tests/Php74SyntaxTest.php checks every file.
 *
 * @package    local_mofabridge
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$plugin->component = 'local_mofabridge';
$plugin->version = 2026120800;      // db/services.php: local_mofabridge_get_quiz_questions.
$plugin->requires = 2022112800;      // Moodle 4.1.
$plugin->supported = [401, 500];     // Tested against the rules of 4.1 to 5.0.
$plugin->maturity = MATURITY_BETA;
$plugin->release = '1.0 (contract schemaVersion 1)';
