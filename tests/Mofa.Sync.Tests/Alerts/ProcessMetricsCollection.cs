using Xunit;

namespace Mofa.Sync.Tests.Alerts;

/// <summary>
/// Tests that read the /metrics of a service running inside the test process. OpenTelemetry listens to every meter
/// named "Mofa.Sync" in the process, so a service of another test running beside it registers the same instrument
/// names first and, when it stops, takes them away with it (seen once: 20 of the names missing for two minutes).
/// xunit runs a collection that disables parallelization on its own, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    public const string Name = "process-metrics";
}
