using Spectre.Console;

namespace Mofa.Sync.Host.Commands;

/// <summary>
/// The width tables are laid out for. Spectre.Console assumes 80 columns when the output is not a
/// terminal (a pipe, a file, ssh without a tty), which wraps each cell into a column of single
/// words; there, lines are as long as their content. COLUMNS, when set, wins everywhere.
/// </summary>
public static class ConsoleWidth
{
    /// <summary>Wide enough for any row the commands print, short of an endless rule.</summary>
    public const int Unbounded = 4096;

    public static void Apply()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns is > 0 and <= Unbounded)
        {
            AnsiConsole.Profile.Width = columns;
        }
        else if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Unbounded;
        }
    }
}
