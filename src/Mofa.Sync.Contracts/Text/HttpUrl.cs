namespace Mofa.Sync.Contracts.Text;

/// <summary>Only absolute http(s) addresses: never javascript:, data: or relative links.</summary>
public static class HttpUrl
{
    public static bool IsValid(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    /// <summary>
    /// Whether the address carries a user name or password before its host
    /// (https://moodle.example.edu@evil.example/login goes to evil.example, though it reads as Moodle).
    /// </summary>
    public static bool HasUserInfo(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0;

    /// <summary>What may be shown as a link: an absolute http(s) address without user information or characters a name may not hold.</summary>
    public static bool IsLink(string? value) => IsValid(value) && !HasUserInfo(value) && PlainText.IsPlain(value);
}
