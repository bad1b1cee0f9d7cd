using System.Globalization;

namespace Mofa.Sync.Contracts.Envelope;

/// <summary>
/// The version of an event: (timeCreated, sequence, eventId) compared in that order. It is
/// rendered as one string whose order is that order, so a store compares versions with a plain
/// <c>&lt;</c> inside its conditional write. Both stores compare strings as UTF-8 bytes (MongoDB's
/// simple collation, SQLite's BINARY), and so does <see cref="Compare"/>: the service's own
/// decisions (a parent's tombstone newer than the event, a duplicate key that means "stale") must
/// agree with the stores'. <see cref="string.CompareOrdinal(string, string)"/> would not: it
/// compares UTF-16 code units, which put a supplementary character (a surrogate pair, U+D800–U+DFFF
/// units) before U+E000–U+FFFF, where UTF-8 puts it after.
/// </summary>
public static class EventVersion
{
    /// <summary>The version of a placeholder: older than every event.</summary>
    public const string Placeholder = "";

    public static string Of(MoodleEvent e) => Of(e.TimeCreated, e.Sequence, e.EventId);

    public static string Of(long timeCreated, long? sequence, string eventId) =>
        string.Create(CultureInfo.InvariantCulture, $"{timeCreated:D12}.{sequence ?? 0:D19}.{eventId}");

    /// <summary>
    /// Negative when <paramref name="a"/> is older than <paramref name="b"/>, zero when equal,
    /// positive when newer: the order of their UTF-8 bytes, which is the order of their code points.
    /// </summary>
    public static int Compare(string? a, string? b)
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        var common = Math.Min(a.Length, b.Length);
        for (var i = 0; i < common; i++)
        {
            if (a[i] != b[i]) return InCodePointOrder(a[i]) - InCodePointOrder(b[i]);
        }

        return a.Length - b.Length;
    }

    /// <summary>
    /// A UTF-16 unit moved so that units compare in code point order: the surrogates (which only
    /// ever begin a code point above U+FFFF at the first difference of two well-formed strings)
    /// go above U+E000–U+FFFF. Below U+D800 the order is already the same.
    /// </summary>
    private static int InCodePointOrder(char c) => c switch
    {
        < '\uD800' => c,
        < '\uE000' => c + 0x2000,
        _ => c - 0x800,
    };
}
