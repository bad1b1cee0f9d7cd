using Xunit;

namespace Mofa.Sync.Tests.Faults;

/// <summary>
/// Tests that stop the shared local broker. xunit runs a collection that disables parallelization
/// on its own, after the others, so no other test sees the broker go away.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerRestartCollection
{
    public const string Name = "broker-restart";
}
