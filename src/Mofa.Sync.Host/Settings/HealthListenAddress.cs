using System.Net;

namespace Mofa.Sync.Host.Settings;

/// <summary>Service:HealthAddress as Kestrel takes it: an IP address, or * for every interface.</summary>
public static class HealthListenAddress
{
    public const string Loopback = "127.0.0.1";
    public const string Everywhere = "*";

    /// <summary>True when the setting is valid; <paramref name="address"/> is null for every interface.</summary>
    public static bool TryParse(string? text, out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (text.Trim() == Everywhere) return true;
        return IPAddress.TryParse(text.Trim(), out address);
    }

    /// <summary>The address of a setting already checked at start; null for every interface.</summary>
    public static IPAddress? Of(string? text) =>
        TryParse(text, out var address) ? address : throw new ArgumentException($"not an IP address or *: {text}", nameof(text));
}
