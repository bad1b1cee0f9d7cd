namespace Mofa.Sync.Contracts.Envelope;

/// <summary>
/// The one name of a Moodle site: its wwwroot in canonical form. Scheme and host lower-cased, the
/// default port dropped, a host's trailing dot and trailing slashes dropped, the path kept as it is (Moodle in a
/// sub-directory, https://uni.example/moodle). So https://moodle.example.edu/ and
/// HTTPS://Moodle.Example.EDU:443 are the same site, and key the mirror, the notifications and
/// the choice of web service token alike. Anything a wwwroot never has (a query, a fragment, a
/// script such as index.php, a user name or password, a scheme other than http and https) makes
/// the address invalid rather than being cut off silently.
/// </summary>
public static class SiteAddress
{
    /// <summary>The canonical form of <paramref name="value"/>, or null with the reason it is not a wwwroot.</summary>
    public static string? Canonicalize(string? value, out string? reason)
    {
        reason = Problem(value, out var uri);
        if (reason is not null) return null;

        var path = uri!.AbsolutePath.TrimEnd('/');
        var host = HostOf(uri!);
        return $"{uri.Scheme}://{host}{(uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}{path}";
    }

    /// <summary>
    /// The host's one spelling: punycode for an international name (IdnHost, which drops an IPv6
    /// address's brackets, so Host for those), without the trailing dot of a fully qualified name
    /// (moodle.example.edu. is the same host as moodle.example.edu).
    /// </summary>
    private static string HostOf(Uri uri) =>
        uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost.TrimEnd('.');

    /// <summary>The canonical form; throws <see cref="ArgumentException"/> for an address that is not a wwwroot.</summary>
    public static string Canonical(string value) =>
        Canonicalize(value, out var reason) ?? throw new ArgumentException($"not a Moodle wwwroot: {reason}", nameof(value));

    /// <summary>Whether the address is a wwwroot (any form of it).</summary>
    public static bool IsValid(string? value) => Problem(value, out _) is null;

    private static string? Problem(string? value, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(value)) return "it is empty";
        // On Linux a path such as /moodle parses as file:///moodle: it is a relative address all the same.
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out uri) || (uri.IsFile && !value.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            return "it is not an absolute address";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return $"its scheme is {uri.Scheme}:, not http: or https:";
        if (string.IsNullOrEmpty(uri.Host) || HostOf(uri).Length == 0) return "it names no host";
        if (uri.UserInfo.Length > 0) return "it carries a user name or password, which a wwwroot never has";
        if (uri.Query.Length > 0 || value.Contains('?', StringComparison.Ordinal)) return "it has a query (?…), which a wwwroot never has";
        if (uri.Fragment.Length > 0 || value.Contains('#', StringComparison.Ordinal)) return "it has a fragment (#…), which a wwwroot never has";
        var last = uri.AbsolutePath.TrimEnd('/');
        last = last[(last.LastIndexOf('/') + 1)..];
        if (last.EndsWith(".php", StringComparison.OrdinalIgnoreCase)) return $"it names a script ({Uri.UnescapeDataString(last)}): the wwwroot is the address without it";
        return null;
    }
}
