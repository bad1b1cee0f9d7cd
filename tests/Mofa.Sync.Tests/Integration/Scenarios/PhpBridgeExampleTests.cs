using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Tests.Contracts;
using Mofa.Sync.Tests.Integration.Infrastructure;
using Xunit;
using Mofa.Sync.Consumers.Subscriptions;

namespace Mofa.Sync.Tests.Integration.Scenarios;

/// <summary>
/// docs/bridge-example/, the Moodle plugin local_mofabridge: its own classes run without Moodle
/// (publish-example.php: a stand-in of $DB) against the real broker and the real service, so that
/// everything it publishes is applied as the contract says and its re-publication after a "lost
/// confirm" changes nothing; its PHP tests (phpunit: the observer's decisions against Moodle's
/// semantics, and the PHP 7.4 syntax scan) pass; every file passes `php -l`. Needs php8.2-cli,
/// php-amqplib and phpunit (.ci/run installs them through scripts/install-php.sh); skipped, with
/// that reason, without them.
/// </summary>
public sealed class PhpBridgeExampleTests
{
    private const string Autoloader = "/usr/share/php/PhpAmqpLib/autoload.php";

    private static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static string? FindPhp() => Find("php");

    private static string Plugin => RepoPaths.Of("docs/bridge-example");

    [SkippableFact]
    public async Task The_plugins_PHP_tests_pass()
    {
        var phpunit = Find("phpunit");
        Skip.If(FindPhp() is null || phpunit is null, "php or phpunit is not installed: run `bash scripts/install-php.sh` (php8.2-cli, php-amqplib and phpunit from Debian's packages)");

        var run = await RunAsync(phpunit!, ["-c", Path.Combine(Plugin, "tests", "phpunit.xml")], []);

        Assert.True(run.ExitCode == 0, $"phpunit exited with {run.ExitCode}:\n{run.Out}{run.Err}");
        // At least the 20 tests the plugin has ran (phpunit says OK only when none failed, was skipped or incomplete).
        var summary = System.Text.RegularExpressions.Regex.Match(run.Out, @"OK \((\d+) tests?, (\d+) assertions?\)");
        Assert.True(summary.Success, $"phpunit did not report OK:\n{run.Out}");
        Assert.InRange(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 20, 1000);
    }

    [SkippableFact]
    public async Task Every_file_of_the_plugin_passes_php_lint()
    {
        var php = FindPhp();
        Skip.If(php is null, "php is not installed: run `bash scripts/install-php.sh`");
        var files = Directory.GetFiles(Plugin, "*.php", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 20, $"only {files.Count} PHP files under {Plugin}");
        foreach (var file in files)
        {
            var lint = await RunAsync(php!, ["-l", file], []);
            Assert.True(lint.ExitCode == 0, $"php -l {file}: {lint.Out}{lint.Err}");
        }
    }

    [SkippableFact]
    public async Task The_PHP_example_bridge_is_applied_as_the_contract_says()
    {
        var php = FindPhp();
        Skip.If(php is null, "php is not installed: run `bash scripts/install-php.sh` (php8.2-cli and php-amqplib from Debian's packages)");
        Skip.IfNot(File.Exists(Autoloader), $"php-amqplib is not installed ({Autoloader} is missing): run `bash scripts/install-php.sh`");

        var site = $"https://moodle-{Guid.NewGuid():N}.example.edu";
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        var run = await RunAsync(php!, [RepoPaths.Of("docs/bridge-example/publish-example.php")], new()
        {
            ["AMQP_HOST"] = env.Rabbit.Host,
            ["AMQP_PORT"] = env.Rabbit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AMQP_USER"] = env.Rabbit.Username,
            ["AMQP_PASSWORD"] = env.Rabbit.Password,
            ["AMQP_EXCHANGE"] = env.Rabbit.Exchange,
            ["MOODLE_WWWROOT"] = site,
        });
        Assert.True(run.ExitCode == 0, $"the example exited with {run.ExitCode}: {run.Err}");

        var published = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (EventId: e.GetProperty("eventId").GetString()!, Body: e.GetProperty("body").GetString()!))
            .ToList();
        // Ten messages, then the first three again, byte for byte (same eventId, same sequence).
        Assert.Equal(13, published.Count);
        Assert.Equal(published.Take(3), published.Skip(10));
        Assert.Equal(10, published.Take(10).Select(p => p.EventId).Distinct().Count());
        Assert.All(published.Select(p => p.Body), body => Assert.Null(Mofa.Sync.Host.Recordings.BridgeFileValidator.CheckLine(body, 1, null).Reason));

        await env.WaitForHandledAsync(published.Count, service);
        foreach (var agent in Enum.GetValues<SyncAgent>()) Assert.Empty(await env.ErrorQueueAsync(agent));

        var export = await env.ExportAsync();
        var course = Assert.Single(export.Courses);
        Assert.Equal((site, 101L, "Introduction à la programmation 🐍", "CS101", false), (course.Site, course.CourseId, course.FullName, course.ShortName, course.Placeholder));

        // Created and renamed in the same second: the sequence (the outbox row id) made the rename win.
        // The course's qbank module (Moodle 5.0, not course content) was never sent.
        var quiz = Assert.Single(export.Modules);
        Assert.Equal(("quiz", "Week 1 quiz: variables and types", $"{site}/mod/quiz/view.php?id=2008"), (quiz.Kind, quiz.Name, quiz.Url));

        // Teachers: 311 (empty first name and email, as Moodle stored them, profile updated), and 312, whose
        // second copy of the role was removed (the bridge did not send that unassignment). No category manager.
        Assert.Equal([311L, 312L], export.Users.Select(u => u.UserId));
        var first = export.Users[0];
        Assert.Equal(("m.lindqvist", "", "", "Lindqvist-Öberg"), (first.Username, first.Email, first.FirstName, first.LastName));
        Assert.All(export.Users, u => Assert.Equal((101L, "editingteacher"), (Assert.Single(u.Roles).CourseId, u.Roles[0].Role)));
        Assert.Equal("田中", export.Users[1].LastName);

        // The quiz's list: bank entries (7001 renamed by its new version, 7003), the random slot left out.
        Assert.Equal([(7001L, "What does print() return? (v2)"), (7003L, "Strings are immutable")],
            export.QuizQuestions.Select(q => (q.QuestionId, q.Name)));

        // At most one notification per module event, the re-published module_created making no second one.
        // The rename is always among them; the creation only when it was applied before the rename
        // (delivered after it, it is stale and tells nobody: the agent takes messages concurrently).
        var notifications = (await service.Services.GetRequiredService<INotificationStore>().RecentAsync(50, CancellationToken.None))
            .Where(n => n.Site == site).ToList();
        Assert.InRange(notifications.Count, 1, 2);
        Assert.Equal(notifications.Count, notifications.Select(n => n.NotificationId).Distinct().Count());
        Assert.Single(notifications, n => n.Kind == "updated");
        Assert.True(notifications.Count(n => n.Kind == "created") <= 1);
    }

    private static async Task<(int ExitCode, string Out, string Err)> RunAsync(string program, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
