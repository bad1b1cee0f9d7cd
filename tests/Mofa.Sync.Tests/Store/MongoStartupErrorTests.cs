using Mofa.Sync.Tests.Faults;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;

namespace Mofa.Sync.Tests.Store;

/// <summary>
/// The real executable with a MongoDB it cannot reach (no server needed): `mofa-sync run` stops
/// with exit code 1 and the one line operations.md promises — the host list, what went wrong, no
/// password and no driver dump with its stack traces.
/// </summary>
public sealed class MongoStartupErrorTests
{
    [Theory]
    [InlineData("mongodb://mofa:{password}@127.0.0.1:1/?serverSelectionTimeoutMS=1500", "mofa-sync: InvalidOperationException: MongoDB on mongodb://127.0.0.1:1 is unreachable")]
    [InlineData("mongodb+srv://mofa:{password}@cluster0.mofa-test.invalid/?serverSelectionTimeoutMS=1500", "mofa-sync: InvalidOperationException: MongoDB on mongodb+srv://cluster0.mofa-test.invalid is unreachable")]
    public async Task An_unreachable_mongodb_stops_the_service_with_one_plain_line(string connectionString, string expected)
    {
        var password = "Mongo-" + Guid.NewGuid().ToString("N");
        await using var env = new TestEnvironment();
        await using var service = MofaSyncProcess.Run(env, new Dictionary<string, string>
        {
            ["Store:Kind"] = "MongoDb",
            ["Store:MongoDb:ConnectionString"] = connectionString.Replace("{password}", password, StringComparison.Ordinal),
        });

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var message = Assert.Single(lines, l => l.StartsWith("mofa-sync:", StringComparison.Ordinal));
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
        // No stack frame on a line of its own (the driver's exception message carries several).
        Assert.DoesNotContain(service.Output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(password, service.Output, StringComparison.Ordinal);
    }
}
