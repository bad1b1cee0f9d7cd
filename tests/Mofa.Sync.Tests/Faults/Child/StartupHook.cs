#pragma warning disable CA1050 // The runtime looks for a class of exactly this name outside any namespace.

/// <summary>
/// The entry the runtime calls when DOTNET_STARTUP_HOOKS names this assembly: only in the service
/// processes that tests start with <see cref="Mofa.Sync.Tests.Faults.Child.ChildFaults"/>.
/// </summary>
internal static class StartupHook
{
    public static void Initialize() => Mofa.Sync.Tests.Faults.Child.FaultStartupHook.Initialize();
}
