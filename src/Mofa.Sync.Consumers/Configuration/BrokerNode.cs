using System.Globalization;

namespace Mofa.Sync.Consumers.Configuration;

/// <summary>One RabbitMQ node: a host and its AMQP port.</summary>
public sealed record BrokerNode(string Host, int Port)
{
    /// <summary>
    /// Reads "host", "host:port" or "[ipv6]:port"; <paramref name="defaultPort"/> when no port is
    /// given. Throws FormatException, in plain words, for anything else.
    /// </summary>
    public static BrokerNode Parse(string text, int defaultPort)
    {
        var value = text?.Trim() ?? string.Empty;
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"'{text}' opens an IPv6 address with [ but does not close it");
            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':')) throw new FormatException($"'{text}' must be host:port");
                port = rest[1..];
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            host = colon < 0 ? value : value[..colon];
            port = colon < 0 ? null : value[(colon + 1)..];
        }

        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@' or ':' && !value.StartsWith('[')))
        {
            throw new FormatException($"'{text}' must be host or host:port, like rabbit1.example.edu:5672");
        }

        var number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            throw new FormatException($"'{text}' has a port that is not between 1 and 65535");
        }

        return new BrokerNode(host, number);
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
