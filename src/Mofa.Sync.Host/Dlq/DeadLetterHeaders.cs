using System.Globalization;
using System.Text;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// The headers MassTransit writes on a message it moves to an _error or _skipped queue, and how
/// to read them: strings arrive from the broker as UTF-8 byte arrays, numbers as integers.
/// </summary>
public static class DeadLetterHeaders
{
    public const string Reason = "MT-Reason";
    public const string ExceptionType = "MT-Fault-ExceptionType";
    public const string Message = "MT-Fault-Message";
    public const string InputAddress = "MT-Fault-InputAddress";
    public const string RetryCount = "MT-Fault-RetryCount";
    public const string Timestamp = "MT-Fault-Timestamp";

    public static string? Text(IDictionary<string, object?>? headers, string name)
    {
        if (headers is null || !headers.TryGetValue(name, out var value)) return null;
        return value switch
        {
            null => null,
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString(),
        };
    }

    public static int? Integer(IDictionary<string, object?>? headers, string name) =>
        int.TryParse(Text(headers, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static DateTimeOffset? Time(IDictionary<string, object?>? headers, string name) =>
        DateTimeOffset.TryParse(Text(headers, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>
    /// Headers a failure or an earlier replay added (<see cref="FailureHeaders"/>): the replay
    /// sends the message back without them, and with its own routing-key and pass headers.
    /// </summary>
    public static bool IsAddedByFailure(string name) =>
        FailureHeaders.IsFailureRecord(name) || name.Equals(FailureHeaders.ReplayPass, StringComparison.OrdinalIgnoreCase);

    /// <summary>The headers the message had before it failed (null when none are left).</summary>
    public static Dictionary<string, object?>? WithoutFailure(IDictionary<string, object?>? headers)
    {
        if (headers is null) return null;
        var kept = headers.Where(h => !IsAddedByFailure(h.Key)).ToDictionary(h => h.Key, h => h.Value);
        return kept.Count > 0 ? kept : null;
    }

    /// <summary>
    /// The queue a message failed on, from MT-Fault-InputAddress
    /// (rabbitmq://host/vhost/queue?options → queue); null when the header is missing or unreadable.
    /// </summary>
    public static string? InputQueue(string? inputAddress)
    {
        if (string.IsNullOrWhiteSpace(inputAddress) || !Uri.TryCreate(inputAddress, UriKind.Absolute, out var uri)) return null;
        var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimEnd('/');
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name.Length > 0 ? name : null;
    }
}
