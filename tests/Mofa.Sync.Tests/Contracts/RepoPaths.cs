namespace Mofa.Sync.Tests.Contracts;

/// <summary>Files of the repository the contract tests read (and, on request, write).</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The directory holding Mofa.Sync.slnx, found by walking up from the test binaries.</summary>
    public static string Root => RootDirectory.Value;

    public static string Of(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mofa.Sync.slnx"))) return dir.FullName;
        }

        throw new InvalidOperationException($"Mofa.Sync.slnx not found above {AppContext.BaseDirectory}");
    }
}
