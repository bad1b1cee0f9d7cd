using System.Text;
using RabbitMQ.Client;

namespace Mofa.Sync.Tests.Integration.Infrastructure;

/// <summary>A message read (and left in place) from an _error queue, with MassTransit's fault headers.</summary>
public sealed record ErrorQueueMessage(string Body, IReadOnlyDictionary<string, string> Headers)
{
    public string Reason => Headers.TryGetValue("MT-Fault-Message", out var m) ? m : "";

    public static async Task<IReadOnlyList<ErrorQueueMessage>> PeekAllAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        var result = new List<ErrorQueueMessage>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } got)
            {
                var headers = (got.BasicProperties.Headers ?? new Dictionary<string, object?>())
                    .ToDictionary(h => h.Key, h => h.Value switch
                    {
                        byte[] b => Encoding.UTF8.GetString(b),
                        null => "",
                        var v => v.ToString() ?? "",
                    });
                result.Add(new ErrorQueueMessage(Encoding.UTF8.GetString(got.Body.Span), headers));
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist: no message ever faulted there.
        }

        // Closing the channel without acknowledging puts every message back.
        return result;
    }
}
