using System.Globalization;

namespace Mofa.Sync.Bench;

/// <summary>
/// CPU time used by a process so far (user + system, from /proc/PID/stat), to show where the
/// machine's cores went during a phase: the service's own work per event, and the broker's.
/// Null where /proc is missing.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The same, for a process that may not have been found (the broker on another machine).</summary>
    public static TimeSpan? Of(int? pid) => pid is { } p ? Of(p) : null;

    /// <summary>The local RabbitMQ node (the Erlang VM, beam.smp), if it runs on this machine.</summary>
    public static int? BrokerPid()
    {
        if (!Directory.Exists("/proc")) return null;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "beam.smp"
                    && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("rabbit", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
        }

        return null;
    }

    /// <summary>Microseconds of CPU per event between two readings.</summary>
    public static double? PerEventMicros(TimeSpan? before, TimeSpan? after, long events) =>
        before is { } b && after is { } a && events > 0 ? Math.Round((a - b).TotalMicroseconds / events, 1) : null;
}
