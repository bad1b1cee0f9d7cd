using Mofa.Sync.Tests.Contracts.Schema;
using Xunit;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// docs/schemas/ is generated from the contract records, and the bridge's channels in
/// docs/asyncapi.yaml from the registry of routes. When a record or a route changes, these tests
/// fail until the files are regenerated: run them once with MOFASYNC_UPDATE_SCHEMAS=1, review the
/// diff, commit it.
/// </summary>
public sealed class SchemaDriftTests
{
    private const string UpdateVariable = "MOFASYNC_UPDATE_SCHEMAS";

    private const string HowToRegenerate =
        "Regenerate them with: MOFASYNC_UPDATE_SCHEMAS=1 dotnet test tests/Mofa.Sync.Tests --filter \"FullyQualifiedName~SchemaDriftTests\" and commit the changes under docs/schemas/.";

    private const string HowToRegenerateChannels =
        "Regenerate them with: MOFASYNC_UPDATE_SCHEMAS=1 dotnet test tests/Mofa.Sync.Tests --filter \"FullyQualifiedName~SchemaDriftTests\" and commit the change to docs/asyncapi.yaml.";

    [Fact]
    public void PublishedSchemasMatchTheContractRecords()
    {
        var generated = ContractSchemas.Generate();
        var directory = RepoPaths.Of(ContractSchemas.Directory);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            foreach (var stale in Directory.GetFiles(directory, "*.schema.json").Where(f => !generated.ContainsKey(Path.GetFileName(f))))
            {
                File.Delete(stale);
            }

            foreach (var (name, text) in generated)
            {
                File.WriteAllText(Path.Combine(directory, name), text);
            }

            return;
        }

        var problems = new List<string>();
        foreach (var (name, text) in generated)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path)) problems.Add($"{ContractSchemas.Directory}/{name} is missing");
            else if (File.ReadAllText(path) != text) problems.Add($"{ContractSchemas.Directory}/{name} differs from the schema generated from the contract record");
        }

        if (Directory.Exists(directory))
        {
            problems.AddRange(Directory.GetFiles(directory, "*.schema.json")
                .Select(Path.GetFileName)
                .Where(f => !generated.ContainsKey(f!))
                .Select(f => $"{ContractSchemas.Directory}/{f} belongs to no contract record"));
        }

        Assert.True(problems.Count == 0, $"The published JSON Schemas are out of date:\n  {string.Join("\n  ", problems)}\n{HowToRegenerate}");
    }

    [Fact]
    public void PublishedAsyncApiChannelsMatchTheRoutes()
    {
        var path = RepoPaths.Of(AsyncApiBridgeChannels.DocumentPath);
        var published = File.ReadAllText(path);
        var generated = AsyncApiBridgeChannels.Update(published);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            if (generated != published) File.WriteAllText(path, generated);
            return;
        }

        Assert.True(generated == published,
            $"The bridge channels of {AsyncApiBridgeChannels.DocumentPath} are out of date with the routes; {FirstDifference(published, generated)}.\n{HowToRegenerateChannels}");
    }

    [Fact]
    public void GenerationIsDeterministic()
    {
        var first = ContractSchemas.Generate();
        var second = ContractSchemas.Generate();
        Assert.Equal(first.Keys, second.Keys);
        foreach (var (name, text) in first)
        {
            Assert.Equal(text, second[name]);
            Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
            Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        }
    }

    /// <summary>The first line where the file and the generated text part, both shown.</summary>
    private static string FirstDifference(string published, string generated)
    {
        var have = published.Split('\n');
        var want = generated.Split('\n');
        var line = 0;
        while (line < have.Length && line < want.Length && have[line] == want[line]) line++;
        string At(string[] lines) => line < lines.Length ? $"'{lines[line].Trim()}'" : "the end of the file";
        return $"line {line + 1} reads {At(have)} where the routes give {At(want)}";
    }

    [Fact]
    public void SchemaRoutesAreTheServiceRoutes()
    {
        Assert.Equal(
            BridgeAgents.Subscriptions.Routes.Select(r => (r.RoutingKey, r.Contract)),
            ContractSchemas.Routes);
    }
}
