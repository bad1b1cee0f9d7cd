using System.Text.RegularExpressions;

namespace Mofa.Sync.Contracts;

/// <summary>
/// Routing keys on the topic exchange <see cref="BridgeExchange.Name"/>: the Moodle event name
/// without "\event\", backslashes as dots.
/// </summary>
public static partial class BridgeRoutingKeys
{
    public const string CourseCreated = "core.course_created";
    public const string CourseUpdated = "core.course_updated";
    public const string CourseDeleted = "core.course_deleted";
    public const string CourseModuleCreated = "core.course_module_created";
    public const string CourseModuleUpdated = "core.course_module_updated";
    public const string CourseModuleDeleted = "core.course_module_deleted";
    public const string RoleAssigned = "core.role_assigned";
    public const string RoleUnassigned = "core.role_unassigned";
    public const string UserUpdated = "core.user_updated";
    public const string UserDeleted = "core.user_deleted";
    public const string QuizQuestionsChanged = "mod_quiz.quiz_questions_changed";

    // After these Moodle fires no event per module or role: the course is read back (reconcile agent).
    public const string CourseRestored = "core.course_restored";
    public const string CourseResetEnded = "core.course_reset_ended";
    public const string CourseContentDeleted = "core.course_content_deleted";
    public const string CourseBinItemRestored = "tool_recyclebin.course_bin_item_restored";

    /// <summary>
    /// \core\event\course_module_created → core.course_module_created. Returns null when the name
    /// is not Moodle's form: a backslash, the component (frankenstyle: lower-case letters, digits,
    /// underscores), \event\, the event's class name (the same characters).
    /// </summary>
    public static string? FromEventName(string? eventName)
    {
        if (string.IsNullOrEmpty(eventName) || !MoodleEventName().IsMatch(eventName)) return null;
        var parts = eventName.Split('\\');
        return $"{parts[1]}.{parts[3]}";
    }

    [GeneratedRegex(@"^\\[a-z][a-z0-9_]{0,99}\\event\\[a-z][a-z0-9_]{0,149}\z")]
    private static partial Regex MoodleEventName();

    /// <summary>core.course_module_created → \core\event\course_module_created.</summary>
    public static string ToEventName(string routingKey)
    {
        var dot = routingKey.IndexOf('.', StringComparison.Ordinal);
        return $"\\{routingKey[..dot]}\\event\\{routingKey[(dot + 1)..]}";
    }
}
