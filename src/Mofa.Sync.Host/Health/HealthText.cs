using System.Globalization;
using Mofa.Sync.Moodle;

namespace Mofa.Sync.Host.Health;

/// <summary>How a health check describes a failing signal: since when, how often, the last reason (secrets masked).</summary>
public static class HealthText
{
    public static string Failure(FailureSignal.Failure failure, SecretRedactor redactor) => string.Create(CultureInfo.InvariantCulture,
        $"failing since {failure.Since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({failure.Count} time(s) in a row), last: {redactor.Redact(failure.Reason)}");
}
