using System.Globalization;
using System.Text;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// What the agents check about a delivery before reading its body: its size, the size of its
/// header table, its content type and content encoding. A delivery that fails one of them is
/// invalid (straight to _error, no retry) with a reason in plain words.
/// </summary>
public sealed class MessageLimits(int maxBodyBytes, int maxHeaderBytes)
{
    /// <summary>
    /// 16 MiB: holds every message the contract allows, the largest being a quiz of
    /// <c>QuizQuestionsChangedValidator.MaxQuestions</c> (5,000) questions with 255-character names, about 15.5 MB
    /// even with every character written as a \uXXXX escape pair (Transport/ContractSizeTests). It is also
    /// RabbitMQ 4's default max_message_size: what the service accepts, a default broker carries.
    /// </summary>
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;
    public const int DefaultMaxHeaderBytes = 16 * 1024;

    /// <summary>Smallest and largest allowed settings: a body limit up to RabbitMQ's default max_message_size (128 MiB).</summary>
    public const int MinBodyBytes = 1024;
    public const int MaxBodyBytesCeiling = 128 * 1024 * 1024;

    /// <summary>
    /// Headers must leave room under the broker's frame_max (131,072 bytes here, RabbitMQ's default)
    /// for the properties and the fault headers the _error copy adds.
    /// </summary>
    public const int MinHeaderBytes = 1024;
    public const int MaxHeaderBytesCeiling = 64 * 1024;

    /// <summary>
    /// The largest message the RabbitMQ client takes off the socket: RabbitMQ's own ceiling for
    /// max_message_size (512 MiB). A larger limit than the service's is deliberate: the client
    /// closes the whole connection on a message above its limit, so every message the broker can
    /// hold must be receivable to be rejected one by one.
    /// </summary>
    public const uint ClientMaxMessageBytes = 512 * 1024 * 1024;

    public int MaxBodyBytes { get; } = maxBodyBytes;

    public int MaxHeaderBytes { get; } = maxHeaderBytes;

    public bool BodyTooLarge(long bodyBytes) => bodyBytes > MaxBodyBytes;

    public bool HeadersTooLarge(IDictionary<string, object?>? headers) => HeaderTableSize.Of(headers) > MaxHeaderBytes;

    /// <summary>Null when the delivery may be read; otherwise why not, in plain words.</summary>
    public string? Check(long bodyBytes, IDictionary<string, object?>? headers, string? contentType, string? contentEncoding)
    {
        if (BodyTooLarge(bodyBytes))
        {
            return $"the body is {Bytes(bodyBytes)}, more than the {Bytes(MaxBodyBytes)} this service accepts (RabbitMq:MaxBodyBytes)";
        }

        var headerBytes = HeaderTableSize.Of(headers);
        if (headerBytes > MaxHeaderBytes)
        {
            return $"the headers take {Bytes(headerBytes)}, more than the {Bytes(MaxHeaderBytes)} this service accepts (RabbitMq:MaxHeaderBytes)";
        }

        if (!string.IsNullOrEmpty(contentEncoding))
        {
            return $"content encoding '{Echo.Cut(contentEncoding)}' is not supported: the bridge sends plain UTF-8 JSON, neither compressed nor encoded";
        }

        // MassTransit reads a Content-Type header when the property is missing: neither may name another format.
        foreach (var declared in new[] { contentType, ContentTypeHeader(headers) })
        {
            if (!IsJson(declared))
            {
                return $"content type '{Echo.Cut(declared)}' is not JSON: the bridge sends application/json (or no content type)";
            }
        }

        return null;
    }

    /// <summary>The value of a Content-Type header (any case of the name), which some publishers set instead of the property.</summary>
    private static string? ContentTypeHeader(IDictionary<string, object?>? headers)
    {
        if (headers is null) return null;
        foreach (var (name, value) in headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) continue;
            return value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                null => null,
                var other => Convert.ToString(other, CultureInfo.InvariantCulture),
            };
        }

        return null;
    }

    /// <summary>application/json (any case, optionally with charset=utf-8), or none at all.</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return true;
        var parts = contentType.Split(';', StringSplitOptions.TrimEntries);
        if (!parts[0].Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var parameter in parts.Skip(1))
        {
            if (parameter.Length == 0) continue;
            var (name, value) = parameter.IndexOf('=', StringComparison.Ordinal) is var eq and > 0
                ? (parameter[..eq].Trim(), parameter[(eq + 1)..].Trim().Trim('"'))
                : (parameter, "");
            if (name.Equals("charset", StringComparison.OrdinalIgnoreCase)
                && !value.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !value.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    public static string Bytes(long n) => n.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
