using System.Globalization;
using System.Net;
using System.Text;
using Mofa.Sync.Contracts.Notifications;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The message a teacher reads: short, plain sentences with the course name and a link to each
/// item, in plain text and in HTML. The HTML form is sent as FORMAT_HTML (Moodle renders messages as HTML), so every name and link is
/// HTML-escaped and the only markup is line breaks and links. A digest lists at most
/// <see cref="MaxLines"/> changes and counts the rest.
/// </summary>
public static class NotificationText
{
    public const int MaxLines = 15;

    /// <summary>What the text says for a deleted module whose name is not known any more.</summary>
    public const string UnknownItem = "a module";

    /// <summary>The message in both forms, built once when a digest closes.</summary>
    public static NotificationMessageText Of(string? courseName, long courseId, IReadOnlyList<NotifiedChange> changes) =>
        new() { Plain = Render(courseName, courseId, changes, html: false), Html = Render(courseName, courseId, changes, html: true) };

    /// <summary>The HTML form (what Moodle is sent).</summary>
    public static string For(string? courseName, long courseId, IReadOnlyList<NotifiedChange> changes) => Render(courseName, courseId, changes, html: true);

    private static string Render(string? courseName, long courseId, IReadOnlyList<NotifiedChange> changes, bool html)
    {
        var lineBreak = html ? "<br>" : "\n";
        var course = string.IsNullOrWhiteSpace(courseName)
            ? string.Create(CultureInfo.InvariantCulture, $"course {courseId}")
            : $"“{Text(courseName, html)}”";
        var text = new StringBuilder();
        text.Append(changes.Count == 1
            ? $"A change in your course {course}:"
            : string.Create(CultureInfo.InvariantCulture, $"{changes.Count} changes in your course {course}:"));

        foreach (var change in changes.OrderBy(c => c.TimeCreated).ThenBy(c => c.EventId, StringComparer.Ordinal).Take(MaxLines))
        {
            text.Append(lineBreak).Append(Line(change, html));
        }

        if (changes.Count > MaxLines)
        {
            text.Append(lineBreak).Append(CultureInfo.InvariantCulture, $"… and {changes.Count - MaxLines} more.");
        }

        return text.ToString();
    }

    private static string Line(NotifiedChange change, bool html)
    {
        var what = change.ItemName is null
            ? UnknownItem
            : $"{KindOf(change.ModuleKind)} “{Text(change.ItemName, html)}”";
        var verb = change.Kind switch
        {
            NotificationKinds.Created => "was added",
            NotificationKinds.Deleted => "was deleted",
            _ => "was updated",
        };
        var link = change.Kind != NotificationKinds.Deleted && HttpUrl.IsLink(change.ItemUrl)
            ? html ? $" — <a href=\"{Escape(change.ItemUrl!)}\">{Escape(change.ItemUrl!)}</a>" : $" — {Plain(change.ItemUrl!)}"
            : "";
        return $"• {Capitalize(what)} {verb}{link}";
    }

    private static string Text(string s, bool html) => html ? Escape(s) : Plain(s);

    private static string KindOf(string moduleKind) => moduleKind switch
    {
        "assign" => "the assignment",
        "quiz" => "the quiz",
        "choice" => "the choice",
        _ => "the resource",
    };

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>
    /// HTML-escaped, without control characters or bidirectional overrides: the validators keep
    /// them out of new names, and this keeps them out of a teacher's message whatever the mirror holds.
    /// </summary>
    public static string Escape(string s) => WebUtility.HtmlEncode(Plain(s));

    /// <summary>Without control characters or bidirectional overrides (the plain form).</summary>
    public static string Plain(string s) => PlainText.Clean(s);
}
