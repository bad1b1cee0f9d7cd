namespace Mofa.Sync.Moodle.Functions;

/// <summary>The read-only web service functions reconciling calls (the site's service must include them).</summary>
public static class MoodleReadFunctions
{
    public const string SiteInfo = "core_webservice_get_site_info";
    public const string CoursesByField = "core_course_get_courses_by_field";
    public const string CourseContents = "core_course_get_contents";
    public const string EnrolledUsers = "core_enrol_get_enrolled_users";

    public static readonly IReadOnlyList<string> All = [SiteInfo, CoursesByField, CourseContents, EnrolledUsers];

    /// <summary>
    /// Optional, not in <see cref="All"/>: the bridge plugin's list of a course's quizzes with their
    /// questions (docs/contract.md, "Reading quiz lists back"); no core function lists them. Without it
    /// reconciling leaves the mirror's quiz lists as they are.
    /// </summary>
    public const string QuizQuestions = "local_mofabridge_get_quiz_questions";

    /// <summary>Moodle's errorcode for a record that does not exist: invalidrecord (4.x), invalidrecordunknown (5.0 without debugging).</summary>
    public static bool IsMissingRecord(string? errorCode) => errorCode is "invalidrecord" or "invalidrecordunknown";
}
