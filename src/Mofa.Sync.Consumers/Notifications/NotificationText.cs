using System.Globalization;
using System.Net;
using System.Text;
using Mofa.Sync.Contracts.Notifications;
using Mofa.Sync.Consumers.Validation;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The message a teacher reads: short, plain sentences with the course name and a link to each
/// item. It is sent as FORMAT_HTML (Moodle renders messages as HTML), so every name and link is
/// HTML-escaped and the only markup is line breaks and links. A digest lists at most
/// <see cref="MaxLines"/> changes and counts the rest.
/// </summary>
public static class NotificationText
{
    public const int MaxLines = 15;

    /// <summary>What the text says for a deleted module whose name is not known any more.</summary>
    public const string UnknownItem = "a module";

    public static string For(string? courseName, long courseId, IReadOnlyList<NotificationRequested> changes)
    {
        var course = string.IsNullOrWhiteSpace(courseName)
            ? string.Create(CultureInfo.InvariantCulture, $"course {courseId}")
            : $"“{Escape(courseName)}”";
        var text = new StringBuilder();
        text.Append(changes.Count == 1
            ? $"A change in your course {course}:"
            : string.Create(CultureInfo.InvariantCulture, $"{changes.Count} changes in your course {course}:"));

        foreach (var change in changes.OrderBy(c => c.TimeCreated).ThenBy(c => c.NotificationId, StringComparer.Ordinal).Take(MaxLines))
        {
            text.Append("<br>").Append(Line(change));
        }

        if (changes.Count > MaxLines)
        {
            text.Append(CultureInfo.InvariantCulture, $"<br>… and {changes.Count - MaxLines} more.");
        }

        return text.ToString();
    }

    private static string Line(NotificationRequested change)
    {
        var what = change.ItemName is null
            ? UnknownItem
            : $"{KindOf(change.ModuleKind)} “{Escape(change.ItemName)}”";
        var verb = change.Kind switch
        {
            NotificationKinds.Created => "was added",
            NotificationKinds.Deleted => "was deleted",
            _ => "was updated",
        };
        var link = change.Kind != NotificationKinds.Deleted && IsWebAddress(change.ItemUrl)
            ? $" — <a href=\"{Escape(change.ItemUrl!)}\">{Escape(change.ItemUrl!)}</a>"
            : "";
        return $"• {Capitalize(what)} {verb}{link}";
    }

    private static string KindOf(string moduleKind) => moduleKind switch
    {
        "assign" => "the assignment",
        "quiz" => "the quiz",
        "choice" => "the choice",
        _ => "the resource",
    };

    /// <summary>Only a plain http(s) address is a link: never one with user-info (https://moodle.example.edu@evil.example reads as Moodle).</summary>
    private static bool IsWebAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp) && u.UserInfo.Length == 0;

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>
    /// HTML-escaped, without control characters or bidirectional overrides: the validators keep
    /// them out of new names, and this keeps them out of a teacher's message whatever the mirror holds.
    /// </summary>
    public static string Escape(string s) => WebUtility.HtmlEncode(PlainText.IsPlain(s) ? s : string.Concat(s.Where(PlainText.IsAllowed)));
}
