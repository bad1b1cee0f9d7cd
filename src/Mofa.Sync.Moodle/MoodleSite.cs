
namespace Mofa.Sync.Moodle;

/// <summary>
/// A configured Moodle site, resolved: its canonical wwwroot, its own token and its own call
/// settings. Every web service call is made to <see cref="Url"/> with <see cref="Token"/>, through
/// the HttpClient named <see cref="HttpClientName"/> (redirects off, <see cref="MoodleSiteHttpClients"/>).
/// </summary>
public sealed record MoodleSite(string Url, string Token, TimeSpan Timeout, int RetryLimit, TimeSpan RetryDelay)
{
    /// <summary>The rolling reconcile's period (Moodle:Sites:{n}:Reconcile:Period); null: no rolling reconcile of this site.</summary>
    public TimeSpan? ReconcilePeriod { get; init; }

    /// <summary>Whether the service may call this site's web services (a token is configured).</summary>
    public bool HasToken => Token.Length > 0;

    /// <summary>The named HttpClient of this site; one per site, so no call can pick up another site's settings.</summary>
    public string HttpClientName => "moodle " + Url;

    /// <summary>Moodle's REST entry point on this site.</summary>
    public Uri Endpoint => new(Url + "/webservice/rest/server.php");

    /// <summary>Takes this site's token out of a text that might carry it (a message of the HTTP stack, Moodle's own).</summary>
    public string Redact(string text) => SecretRedaction.Redact(text, Token);

    /// <summary>Never the token (a record would print it).</summary>
    public override string ToString() => $"Moodle site {Url}, token {(HasToken ? "set" : "not set")}";
}
