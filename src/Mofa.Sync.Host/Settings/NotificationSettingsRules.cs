namespace Mofa.Sync.Host.Settings;

/// <summary>The rules of sections Moodle and Notifications (called by SettingsValidator). The token's value is never shown.</summary>
public static class NotificationSettingsRules
{
    public static void Check(MofaSyncSettings s, Action<bool, string, string> check)
    {
        var moodle = s.Moodle;
        check(moodle.BaseUrl.Length == 0
              || (Uri.TryCreate(moodle.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
                  && string.IsNullOrEmpty(u.Query) && string.IsNullOrEmpty(u.UserInfo)),
            "Moodle:BaseUrl", "must be empty (each event's site) or the Moodle wwwroot, like https://moodle.example.edu, without a query");
        check(moodle.Token.Length == 0 || (moodle.Token.Trim() == moodle.Token && !moodle.Token.Any(char.IsWhiteSpace)),
            "Moodle:Token", "must be a web service token without spaces (or empty: no Moodle configured)");
        check(moodle.Timeout > TimeSpan.Zero && moodle.Timeout <= TimeSpan.FromMinutes(10), "Moodle:Timeout", "must be positive and at most 00:10:00, like 00:00:30");
        check(moodle.RetryLimit is >= 0 and <= 20, "Moodle:RetryLimit", $"must be between 0 and 20 (got {moodle.RetryLimit})");
        check(moodle.RetryDelay > TimeSpan.Zero, "Moodle:RetryDelay", "must be positive, like 00:00:01");
        check(s.Notifications.DigestWindow >= TimeSpan.Zero && s.Notifications.DigestWindow <= TimeSpan.FromDays(1),
            "Notifications:DigestWindow", "must be between 00:00:00 (send at once) and 1.00:00:00, like 00:01:00");
        check(s.Notifications.FlushInterval > TimeSpan.Zero, "Notifications:FlushInterval", "must be positive, like 00:00:05");
        check(s.Notifications.MaxDigestsPerSecond is >= 1 and <= 1000, "Notifications:MaxDigestsPerSecond",
            $"must be between 1 and 1000 (got {s.Notifications.MaxDigestsPerSecond})");
    }
}
