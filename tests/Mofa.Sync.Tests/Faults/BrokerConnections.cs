using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// The broker's connection list (the management API on the local broker, guest from loopback):
/// which connections a service holds, so a test can tell that one was never closed and reopened.
/// </summary>
public static class BrokerConnections
{
    /// <summary>(name, connected_at) of every connection whose client-provided name is <paramref name="connectionName"/>.</summary>
    public static async Task<IReadOnlyList<(string Name, long ConnectedAt)>> NamedAsync(string connectionName)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("guest:guest")));
        var host = Environment.GetEnvironmentVariable("MOFASYNC_TEST_RABBITMQ_HOST") ?? "localhost";
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{host}:15672/api/connections")));
        return document.RootElement.EnumerateArray()
            .Where(c => c.TryGetProperty("client_properties", out var p) && p.TryGetProperty("connection_name", out var n) && n.GetString() == connectionName)
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("connected_at").GetInt64()))
            .ToList();
    }
}
