using System.Collections.Concurrent;
using Json.Schema;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>The repository's published JSON Schemas, each read once (a schema's $id may be registered only once per process).</summary>
internal static class PublishedSchemas
{
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The schema at <paramref name="relativePath"/> (from the repository root).</summary>
    public static JsonSchema Of(string relativePath) =>
        Loaded.GetOrAdd(relativePath, p => new Lazy<JsonSchema>(() => JsonSchema.FromText(File.ReadAllText(RepoPaths.Of(p))))).Value;
}
