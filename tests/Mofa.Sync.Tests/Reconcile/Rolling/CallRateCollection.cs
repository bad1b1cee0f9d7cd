using Xunit;

namespace Mofa.Sync.Tests.Reconcile.Rolling;

/// <summary>
/// Tests that count the calls a fake Moodle receives per second. xunit runs a collection that disables
/// parallelization on its own, after the others: the test process answering as Moodle is then not also running
/// other tests, whose load would delay its accepting calls and bunch their arrival times together.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CallRateCollection
{
    public const string Name = "call-rate";
}
