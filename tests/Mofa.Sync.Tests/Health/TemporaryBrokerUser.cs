using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Mofa.Sync.Tests.Health;

/// <summary>
/// A broker user with its own password, made through the management API (guest/guest from
/// loopback, as the local broker is set up) and deleted afterwards, so a test can run the service
/// with a secret nobody else uses and look for it in the logs.
/// </summary>
public sealed class TemporaryBrokerUser : IAsyncDisposable
{
    private static readonly Uri Management = new(Environment.GetEnvironmentVariable("MOFASYNC_TEST_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:15672/");

    private readonly HttpClient _http;

    private TemporaryBrokerUser(HttpClient http, string name, string password)
    {
        _http = http;
        Name = name;
        Password = password;
    }

    public string Name { get; }

    public string Password { get; }

    /// <summary>Null when the management API cannot be reached (the caller skips).</summary>
    public static async Task<TemporaryBrokerUser?> CreateAsync()
    {
        var http = new HttpClient { BaseAddress = Management, Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        var name = "mofa-test-" + Guid.NewGuid().ToString("N")[..8];
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        try
        {
            (await http.PutAsJsonAsync($"api/users/{name}", new { password, tags = "" })).EnsureSuccessStatusCode();
            (await http.PutAsJsonAsync($"api/permissions/%2F/{name}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException)
        {
            http.Dispose();
            return null;
        }

        return new TemporaryBrokerUser(http, name, password);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _http.DeleteAsync(new Uri($"api/users/{Name}", UriKind.Relative));
        }
        finally
        {
            _http.Dispose();
        }
    }
}
