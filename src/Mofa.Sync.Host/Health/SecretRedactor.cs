using Mofa.Sync.Moodle;
using Mofa.Sync.Host.Settings;

namespace Mofa.Sync.Host.Health;

/// <summary>
/// Cuts the configured secrets (broker password, MongoDB connection string, every Moodle site's token) out of text that
/// comes from elsewhere, such as a driver's exception message shown on /health/ready. The masking
/// itself is <see cref="SecretRedaction"/>'s, the same as for a Moodle site's token.
/// </summary>
public sealed class SecretRedactor(MofaSyncSettings settings)
{
    /// <summary>Shorter values are too likely to be ordinary words ("guest") to mask them everywhere.</summary>
    private const int MinimumLength = 6;

    private readonly string[] _secrets = new[] { settings.RabbitMq.Password, settings.Store.MongoDb.ConnectionString }.Concat(settings.Moodle.Tokens())
        .Where(s => !string.IsNullOrEmpty(s) && s.Length >= MinimumLength)
        .OrderByDescending(s => s.Length)
        .ToArray();

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = SecretRedaction.Redact(text, secret);
        }

        return text;
    }
}
