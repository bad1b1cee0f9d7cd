namespace Mofa.Sync.Store.MongoDb;

/// <summary>Section Store:MongoDb.</summary>
public sealed class MongoStoreOptions
{
    /// <summary>mongodb://… — a secret (it may hold a password): never logged.</summary>
    public string ConnectionString { get; set; } = "";

    public string Database { get; set; } = "mofa_mirror";
}
