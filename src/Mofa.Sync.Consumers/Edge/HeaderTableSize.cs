using System.Collections;
using System.Text;

namespace Mofa.Sync.Consumers.Edge;

/// <summary>
/// The size of a header table as AMQP 0-9-1 encodes it on the wire (what counts against the
/// broker's frame_max): per entry a length-prefixed name, a type byte and the value.
/// </summary>
public static class HeaderTableSize
{
    public static long Of(IDictionary<string, object?>? headers)
    {
        if (headers is null) return 0;
        long size = 4;
        foreach (var (name, value) in headers)
        {
            size += 1 + Encoding.UTF8.GetByteCount(name) + ValueSize(value);
        }

        return size;
    }

    /// <summary>The type byte and the encoded value.</summary>
    private static long ValueSize(object? value) => 1 + value switch
    {
        null => 0,
        string s => 4 + Encoding.UTF8.GetByteCount(s),
        byte[] b => 4 + b.Length,
        bool or byte or sbyte => 1,
        short or ushort => 2,
        int or uint or float => 4,
        long or ulong or double or RabbitMQ.Client.AmqpTimestamp => 8,
        decimal => 5,
        IDictionary<string, object?> table => Of(table),
        IDictionary table => Of(table.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => table[k])),
        IEnumerable list => 4 + list.Cast<object?>().Sum(ValueSize),
        var other => 4 + Encoding.UTF8.GetByteCount(other.ToString() ?? ""),
    };
}
