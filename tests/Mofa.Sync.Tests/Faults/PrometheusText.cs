using System.Globalization;
using System.Text.RegularExpressions;

namespace Mofa.Sync.Tests.Faults;

/// <summary>Reads samples out of Prometheus text exposition: `name{label="value",…} number`.</summary>
public sealed partial class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels)
    {
        double total = 0;
        foreach (Match m in Sample().Matches(Text))
        {
            if (m.Groups["name"].Value != name) continue;
            var have = Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["k"].Value, l => l.Groups["v"].Value);
            if (labels.All(l => have.TryGetValue(l.Label, out var v) && v == l.Value))
            {
                total += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    public bool Has(string name) => Sample().Matches(Text).Any(m => m.Groups["name"].Value == name);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex("(?<k>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<v>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Label();
}
