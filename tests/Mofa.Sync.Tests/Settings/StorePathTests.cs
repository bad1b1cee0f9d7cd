using Mofa.Sync.Tests.Integration.Infrastructure;
using Mofa.Sync.Tests.Validate;
using Xunit;

namespace Mofa.Sync.Tests.Settings;

/// <summary>
/// The commands that only read the mirror never create a store, and the default store path does
/// not depend on the current directory. The built executable, real files.
/// </summary>
public sealed class StorePathTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mofa-sync-store-path-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("mirror", "show")]
    [InlineData("mirror", "export")]
    [InlineData("notifications", null)]
    public async Task A_read_only_command_from_another_directory_fails_naming_the_store_and_creates_nothing(string command, string? sub)
    {
        var defaultStore = Path.Combine(AppContext.BaseDirectory, "data", "mirror.db");
        var existedBefore = File.Exists(defaultStore);
        string[] args = sub is null ? [command] : [command, sub];

        var run = await CommandLine.RunInAsync(_folder, null, args);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
        if (!existedBefore)
        {
            Assert.False(File.Exists(defaultStore));
            Assert.Contains($"the mirror store {defaultStore} does not exist", run.Err, StringComparison.Ordinal);
            Assert.Contains("Store:Sqlite:Path (environment variable MOFASYNC__STORE__SQLITE__PATH)", run.Err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_mistyped_store_path_is_an_error_not_an_empty_mirror()
    {
        var missing = Path.Combine(_folder, "typo", "mirror.db");

        var show = await CommandLine.RunInAsync(_folder, null, "mirror", "show", "--setting", $"Store:Sqlite:Path={missing}");
        var notifications = await CommandLine.RunInAsync(_folder, null, "notifications", "--setting", $"Store:Sqlite:Path={missing}");

        Assert.Equal((2, 2), (show.ExitCode, notifications.ExitCode));
        Assert.All(new[] { show.Err, notifications.Err }, err => Assert.Contains($"the mirror store {missing} does not exist", err, StringComparison.Ordinal));
        Assert.DoesNotContain("The mirror is empty", show.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task A_relative_path_given_as_an_option_is_relative_to_the_current_directory()
    {
        var run = await CommandLine.RunInAsync(_folder, null, "mirror", "show", "--setting", "Store:Sqlite:Path=./data/mirror.db");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"the mirror store {Path.Combine(_folder, "data", "mirror.db")} does not exist", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_path_that_is_a_folder_or_lies_under_a_file_is_named_with_its_setting()
    {
        await using var env = new TestEnvironment();
        var file = Path.Combine(_folder, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var underFile = Path.Combine(file, "mirror.db");

        var folder = await CommandLine.RunInAsync(_folder, null, "mirror", "show", "--setting", $"Store:Sqlite:Path={_folder}");
        var service = await CommandLine.RunInAsync(_folder, null, "run", "--setting", $"Store:Sqlite:Path={underFile}",
            "--setting", $"RabbitMq:Exchange={env.Rabbit.Exchange}", "--setting", $"RabbitMq:QueuePrefix={env.Rabbit.QueuePrefix}", "--setting", "Service:HealthPort=0");

        Assert.Equal(2, folder.ExitCode);
        Assert.Contains($"the mirror store {_folder} is a folder, not a file", folder.Err, StringComparison.Ordinal);
        Assert.Equal(2, service.ExitCode);
        Assert.Contains($"mofa-sync: the mirror store {underFile} cannot be opened: {file} is a file, where a folder is needed (set Store:Sqlite:Path", service.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("IOException", service.Err, StringComparison.Ordinal);
    }
}
