using System.Text.Json.Nodes;
using FluentValidation;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts.Text;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// The rules for addresses a message carries: a site's wwwroot and links. JSON Schema says them
/// as format uri and one pattern, an http(s) address whose host part holds no user name: in any
/// case, as the service reads it (HTTPS://Moodle.Example.EDU is the same site), and without
/// user-info, since https://moodle.example.edu@evil.example/login goes to evil.example. The
/// schema cannot say the rest (a wwwroot has no query, fragment or script).
/// </summary>
public static class AddressRules
{
    private const string HttpAddressPattern = "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@]+([/?#]|$)";

    private static JsonObject HttpAddress() => new() { ["format"] = "uri", ["pattern"] = HttpAddressPattern };

    /// <summary>A Moodle site's wwwroot (<see cref="SiteAddress"/>), in any of its forms.</summary>
    public static IRuleBuilderOptions<T, string> MustBeSiteAddress<T>(this IRuleBuilder<T, string> rule) =>
        rule.MustSatisfy("SiteAddress", SiteAddress.IsValid, HttpAddress);

    /// <summary>An absolute http(s) address (<see cref="HttpUrl"/>).</summary>
    public static IRuleBuilderOptions<T, string?> MustBeHttpUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MustSatisfy("HttpUrl", HttpUrl.IsValid, HttpAddress);

    /// <summary>No user name or password before the host; the schema's http(s) pattern says it with <see cref="MustBeHttpUrl"/>.</summary>
    public static IRuleBuilderOptions<T, string?> MustNotCarryUserInfo<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MustSatisfy("NoUserInfo", u => !HttpUrl.HasUserInfo(u), () => new() { ["pattern"] = HttpAddressPattern });
}
