using System.Reflection;

namespace Mofa.Sync.Host.Hosting;

/// <summary>The build's version as `mofa-sync --version` and the start line say it: the assembly's informational version (version+commit).</summary>
public static class ServiceVersion
{
    public static string Informational { get; } =
        typeof(ServiceVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServiceVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
