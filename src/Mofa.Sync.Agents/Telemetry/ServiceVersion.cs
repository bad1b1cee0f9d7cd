using System.Reflection;

namespace Mofa.Sync.Agents.Telemetry;

/// <summary>The running service's version (the assemblies' informational version, without a source revision): in the build-info metric and the start line.</summary>
public static class ServiceVersion
{
    public static string Current { get; } = Of(typeof(ServiceVersion).Assembly);

    private static string Of(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
