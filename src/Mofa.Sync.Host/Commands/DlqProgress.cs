using Spectre.Console;

namespace Mofa.Sync.Host.Commands;

/// <summary>A progress bar over a dead-letter pass when a person watches; nothing when a script reads the output.</summary>
internal static class DlqProgress
{
    public static async Task<T> RunAsync<T>(bool json, string title, long total, Func<Action<int>?, Task<T>> work)
    {
        if (json || !AnsiConsole.Profile.Capabilities.Interactive || total == 0) return await work(null);

        return await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask(Markup.Escape(title), maxValue: total);
            var result = await work(n => task.Increment(n));
            task.Value = task.MaxValue;
            return result;
        });
    }
}
