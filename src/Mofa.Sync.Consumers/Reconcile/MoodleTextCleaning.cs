using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Reconcile;

/// <summary>
/// Text that reconciling reads from Moodle (course, module, user and question names, module links) meets the
/// contract's text rules before it reaches the mirror, a drift report or a log: where a bridge
/// message carrying such a value is rejected, Moodle's own answer is cleaned instead, because
/// rejecting it would leave the whole course unreconciled. Characters a name may not hold are
/// dropped (<see cref="PlainText.Clean"/>, as in a teacher's message) and a link that is not a plain
/// http(s) address (javascript:, data:, user information) is left out, so the mirror keeps
/// Moodle's own address of the module. Each cleaned field is noted for one warning per course.
/// </summary>
public sealed class MoodleTextCleaning
{
    private readonly List<string> _cleaned = [];

    /// <summary>The fields changed so far, named as "module 12 name".</summary>
    public IReadOnlyList<string> Cleaned => _cleaned;

    public string Text(string value, string field)
    {
        var clean = PlainText.Clean(value);
        if (!string.Equals(clean, value, StringComparison.Ordinal)) _cleaned.Add(field);
        return clean;
    }

    public string? Text(string? value, Func<string> field) => value is null ? null : Text(value, field());

    /// <summary>The link, or null (Moodle's own address of the module is used) when it is not a plain http(s) address.</summary>
    public string? Link(string? url, string field)
    {
        if (url is null || HttpUrl.IsLink(url)) return url;
        _cleaned.Add(field);
        return null;
    }
}
