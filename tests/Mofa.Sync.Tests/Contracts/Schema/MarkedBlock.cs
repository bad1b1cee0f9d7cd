namespace Mofa.Sync.Tests.Contracts.Schema;

/// <summary>
/// A generated part of a hand-written document: the lines between a "# begin generated: NAME" line
/// and its "# end generated: NAME" line (YAML comments, so the document reads the same with them).
/// Everything outside the markers is left byte for byte as it is.
/// </summary>
internal static class MarkedBlock
{
    public static string BeginLine(string name) => $"# begin generated: {name}";

    public static string EndLine(string name) => $"# end generated: {name}";

    /// <summary>
    /// <paramref name="document"/> with the lines between the markers of <paramref name="name"/>
    /// replaced by <paramref name="content"/> (whole lines, each ending in "\n").
    /// </summary>
    /// <exception cref="FormatException">A marker is missing, repeated or out of order.</exception>
    public static string Replace(string document, string name, string content)
    {
        var begin = MarkerAt(document, BeginLine(name));
        var end = MarkerAt(document, EndLine(name));
        if (end < begin) throw new FormatException($"the line '{EndLine(name)}' comes before '{BeginLine(name)}'");

        var blockStart = document.IndexOf('\n', begin) + 1;
        var blockEnd = document.LastIndexOf('\n', end) + 1;
        return string.Concat(document.AsSpan(0, blockStart), content, document.AsSpan(blockEnd));
    }

    /// <summary>Where the one line reading <paramref name="marker"/> (indentation aside) starts its text.</summary>
    private static int MarkerAt(string document, string marker)
    {
        var found = new List<int>();
        var lineStart = 0;
        while (lineStart < document.Length)
        {
            var lineEnd = document.IndexOf('\n', lineStart);
            if (lineEnd < 0) lineEnd = document.Length;
            var line = document.AsSpan(lineStart, lineEnd - lineStart);
            if (line.Trim().SequenceEqual(marker)) found.Add(lineStart + (line.Length - line.TrimStart().Length));
            lineStart = lineEnd + 1;
        }

        return found.Count switch
        {
            1 => found[0],
            0 => throw new FormatException($"no line '{marker}' marks where the generated block goes"),
            _ => throw new FormatException($"the line '{marker}' appears {found.Count} times; it must appear once"),
        };
    }
}
