using Mofa.Sync.Tests.Validate;
using Xunit;

namespace Mofa.Sync.Tests.Settings;

/// <summary>Tables read when the output is a pipe or a file: one row per line at full width, or as wide as COLUMNS says.</summary>
public sealed class PipedOutputTests
{
    [Fact]
    public async Task A_table_sent_to_a_pipe_keeps_each_row_on_one_line()
    {
        var path = Path.Combine(Path.GetTempPath(), "a-folder-whose-name-is-long-enough-to-pass-eighty-columns", "and-then-some", "mirror.db");

        var run = await CommandLine.RunAsync("config", "show", "--setting", $"Store:Sqlite:Path={path}");

        Assert.True(run.ExitCode == 0, run.Err);
        var row = Assert.Single(run.Out.Split('\n'), l => l.Contains("Store:Sqlite:Path", StringComparison.Ordinal));
        Assert.Contains(path, row, StringComparison.Ordinal);
        Assert.Contains("option --setting", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task COLUMNS_sets_the_width()
    {
        var run = await CommandLine.RunInAsync(AppContext.BaseDirectory, new Dictionary<string, string> { ["COLUMNS"] = "70" }, "config", "show");

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.All(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.True(l.Length <= 70, $"{l.Length} columns: {l}"));
    }
}
