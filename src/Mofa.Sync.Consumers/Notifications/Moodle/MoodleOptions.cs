namespace Mofa.Sync.Consumers.Notifications.Moodle;

/// <summary>Section Moodle (environment: MOFASYNC__MOODLE__…): the web service the notifications go through.</summary>
public sealed class MoodleOptions
{
    /// <summary>The Moodle wwwroot to call; empty: the site named by each event.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>
    /// A web service token allowed to call core_message_send_instant_messages. A secret: never
    /// logged, never in an error message or a header. Empty: no Moodle configured, notifications
    /// are recorded as not sent.
    /// </summary>
    public string Token { get; set; } = "";

    /// <summary>How long one call may take before it counts as failed (and is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a call that failed for a passing reason (HTTP 5xx, timeout, refused connection).</summary>
    public int RetryLimit { get; set; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Token);

    public override string ToString() => $"Moodle web service at {(BaseUrl.Length > 0 ? BaseUrl : "(each event's site)")}, token {(IsConfigured ? "set" : "not set")}";
}
