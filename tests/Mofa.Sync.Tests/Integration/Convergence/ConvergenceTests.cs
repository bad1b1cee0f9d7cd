using MongoDB.Driver;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Store;
using Xunit;

namespace Mofa.Sync.Tests.Integration.Convergence;

/// <summary>
/// The apply rules' promise, through the real broker: a history published shuffled, with 20 % of
/// its events duplicated, to two concurrent consumers of the same queues and store, ends in the
/// mirror that applying it in order gives.
/// </summary>
public sealed class ConvergenceTests
{
    public const int HistoryLength = 600;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(1234)]
    [InlineData(20261129)]
    public Task Shuffled_duplicated_history_on_two_consumers_converges_to_the_in_order_mirror(int seed) =>
        ConvergesAsync(seed, new TestEnvironment());

    /// <summary>The same, with the MongoDB store, when MOFASYNC_TEST_MONGODB_URL names a server.</summary>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(20261129)]
    public async Task On_MongoDB_a_shuffled_duplicated_history_converges_to_the_in_order_mirror(int seed)
    {
        var url = Environment.GetEnvironmentVariable(MongoMirrorStoreContractTests.UrlVariable);
        Skip.If(url is null, MongoMirrorStoreContractTests.SkipReason);
        var database = $"mofa_convergence_{Guid.NewGuid():N}";
        try
        {
            await ConvergesAsync(seed, new TestEnvironment(new Dictionary<string, string?>
            {
                ["Store:Kind"] = "MongoDb",
                ["Store:MongoDb:ConnectionString"] = url,
                ["Store:MongoDb:Database"] = database,
            }));
        }
        finally
        {
            await new MongoClient(url).DropDatabaseAsync(database);
        }
    }

    private static async Task ConvergesAsync(int seed, TestEnvironment environment)
    {
        var history = new HistoryGenerator(seed).Generate(HistoryLength);
        var expected = ReferenceMirror.Of(history, new SyncOptions().TeacherRoleSet());

        var random = new Random(seed);
        var deliveries = history.Concat(history.Where(_ => random.NextDouble() < 0.2)).OrderBy(_ => random.Next()).ToList();

        await using var env = environment;
        await using var first = await TestService.StartAsync(env);
        await using var second = await TestService.StartAsync(env);
        await env.PublishAsync(deliveries.Select(BridgeBody.Of));
        await env.WaitForHandledAsync(deliveries.Count, first, second);

        var actual = await env.ExportAsync();
        Assert.True(expected.Courses.Count > 5 && expected.Modules.Count > 20 && expected.Users.Count > 0 && expected.QuizQuestions.Count > 0,
            $"seed {seed}: {expected.Courses.Count} courses, {expected.Modules.Count} modules, {expected.Users.Count} users, {expected.QuizQuestions.Count} questions; " +
            $"seed {seed}: the history should exercise every collection");
        Assert.Equal(expected.ToJson(), actual.ToJson());
        foreach (var agent in Enum.GetValues<Mofa.Sync.Consumers.Subscriptions.SyncAgent>())
        {
            var dead = await env.ErrorQueueAsync(agent);
            Assert.True(dead.Count == 0, $"seed {seed}: {dead.Count} messages in the {agent} agent's error queue");
        }
    }
}
