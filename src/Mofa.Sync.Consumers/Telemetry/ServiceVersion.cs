using System.Reflection;

namespace Mofa.Sync.Consumers.Telemetry;

/// <summary>
/// The running build's version, from the assemblies' informational version: <see cref="Informational"/>
/// (version+commit) for `mofa-sync --version` and the start line, <see cref="Current"/> (without the
/// commit) for the build-info metric's label.
/// </summary>
public static class ServiceVersion
{
    public static string Informational { get; } =
        typeof(ServiceVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServiceVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static string Current { get; } = Informational.Split('+')[0];
}
