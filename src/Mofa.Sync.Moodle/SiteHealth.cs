using System.Collections.Concurrent;

namespace Mofa.Sync.Moodle;

/// <summary>
/// How each configured Moodle site answered the last call (token refused, not reachable, answering
/// errors), by canonical wwwroot; a later success clears it. The caller reports, the health check reads.
/// </summary>
public sealed class SiteHealth
{
    private readonly ConcurrentDictionary<string, FailureSignal> _sites = new(StringComparer.Ordinal);

    /// <summary>Calls to the Moodle site with this canonical wwwroot.</summary>
    public FailureSignal Of(string url) => _sites.GetOrAdd(url, _ => new FailureSignal());
}
