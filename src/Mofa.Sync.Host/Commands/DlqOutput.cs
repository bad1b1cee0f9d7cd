using System.Text.Json;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Commands;

/// <summary>Formatting shared by the dlq commands.</summary>
internal static class DlqOutput
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Age(DateTimeOffset? failedAt, DateTimeOffset now) =>
        failedAt is { } t ? $"{Durations.Format(now - t)} ago" : "unknown";
}
