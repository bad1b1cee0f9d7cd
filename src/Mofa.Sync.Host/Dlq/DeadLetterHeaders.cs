using System.Globalization;
using System.Text;

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

    /// <summary>RabbitMQ.Client's publisher-confirm bookkeeping; the replay's own publish adds a fresh one.</summary>
    private const string ClientSequenceNumber = "x-dotnet-pub-seq-no";

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
    /// Headers a failure added: MassTransit's fault and host headers, the service's own (MofaSync-:
    /// routing key, body size, cut body, dropped headers), and the client's confirm bookkeeping.
    /// </summary>
    public static bool IsAddedByFailure(string name) =>
        name.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("MofaSync-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("MT-Host-", StringComparison.OrdinalIgnoreCase)
        || name.Equals(Reason, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ClientSequenceNumber, StringComparison.OrdinalIgnoreCase)
        || IsAddedByBroker(name);

    /// <summary>The broker's own dead-lettering record (x-death, x-first-death-*, x-last-death-*) and a quorum queue's x-delivery-count.</summary>
    private static bool IsAddedByBroker(string name) =>
        name.Equals("x-death", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-first-death-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-last-death-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-delivery-count", StringComparison.OrdinalIgnoreCase);

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
