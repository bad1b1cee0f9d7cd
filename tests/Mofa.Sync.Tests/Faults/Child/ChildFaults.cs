using System.Diagnostics;
using System.Globalization;

namespace Mofa.Sync.Tests.Faults.Child;

/// <summary>
/// The faults a test places in a service process it starts (<see cref="MofaSyncProcess"/>), at
/// points the test controls rather than at moments that depend on how fast the service drains.
/// The child runs the real `mofa-sync` executable; the runtime's startup hook (DOTNET_STARTUP_HOOKS,
/// a .NET feature, see <see cref="FaultStartupHook"/>) loads this test assembly into it, and the hook
/// adds the faults to the service's composition as it is built. The service's own code reads no
/// switch for any of this: these variables are read here, by test code, in the child.
/// </summary>
public sealed record ChildFaults
{
    private const string HoldVariable = "MOFASYNC_FAULTS_HOLD_WRITES_AFTER";
    private const string ReleaseFileVariable = "MOFASYNC_FAULTS_RELEASE_FILE";
    private const string ReleaseAtStopVariable = "MOFASYNC_FAULTS_RELEASE_AT_STOP";
    private const string KillAtVariable = "MOFASYNC_FAULTS_KILL_AT";
    private const string KillAtDiagnosticVariable = "MOFASYNC_FAULTS_KILL_AT_DIAGNOSTIC";

    /// <summary>
    /// After each of these numbers of writes the store holds every write (<see cref="HoldingStore"/>)
    /// until released: one first application commits and then waits, unacknowledged; the others
    /// wait before they commit.
    /// </summary>
    public int[]? HoldWritesAfter { get; init; }

    /// <summary>The held writes go on when the host starts stopping (SIGTERM), so the messages in flight can finish.</summary>
    public bool ReleaseAtStop { get; init; }

    /// <summary>The digest publisher's point (OutboxFaultPoint.AfterClose, .AfterPublish) where the process kills itself.</summary>
    public string? KillAtOutboxPoint { get; init; }

    /// <summary>
    /// A DiagnosticListener event (listener/event, e.g. Mofa.Sync.Dlq/Mofa.Sync.Dlq.EditPublished) at which the
    /// process kills itself: for the commands, which have no services to replace.
    /// </summary>
    public string? KillAtDiagnostic { get; init; }

    /// <summary>Where the test counts its releases of the held writes (<see cref="MofaSyncProcess.ReleaseHeldWrites"/>); set by MofaSyncProcess.</summary>
    internal string? ReleaseFile { get; init; }

    internal void Apply(ProcessStartInfo info)
    {
        info.Environment["DOTNET_STARTUP_HOOKS"] = typeof(FaultStartupHook).Assembly.Location;
        if (HoldWritesAfter is { } hold) info.Environment[HoldVariable] = string.Join(',', hold.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        if (ReleaseFile is not null) info.Environment[ReleaseFileVariable] = ReleaseFile;
        if (ReleaseAtStop) info.Environment[ReleaseAtStopVariable] = "1";
        if (KillAtOutboxPoint is not null) info.Environment[KillAtVariable] = KillAtOutboxPoint;
        if (KillAtDiagnostic is not null) info.Environment[KillAtDiagnosticVariable] = KillAtDiagnostic;
    }

    /// <summary>In the child: what the test asked for.</summary>
    internal static ChildFaults FromEnvironment() => new()
    {
        HoldWritesAfter = Environment.GetEnvironmentVariable(HoldVariable) is { } hold ? hold.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray() : null,
        ReleaseFile = Environment.GetEnvironmentVariable(ReleaseFileVariable),
        ReleaseAtStop = Environment.GetEnvironmentVariable(ReleaseAtStopVariable) == "1",
        KillAtOutboxPoint = Environment.GetEnvironmentVariable(KillAtVariable),
        KillAtDiagnostic = Environment.GetEnvironmentVariable(KillAtDiagnosticVariable),
    };
}
