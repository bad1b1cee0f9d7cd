using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Contracts.Notifications;
using Xunit;

namespace Mofa.Sync.Tests.Contracts;

/// <summary>
/// docs/contract.md's NotificationRequested example (the json block after the line "Example
/// NotificationRequested …") is a message the sync could publish: it reads into the record with
/// every required field, and its text is what the sync builds for its course and changes.
/// </summary>
public sealed class NotificationExampleTests
{
    [Fact]
    public void The_contracts_example_reads_into_the_record_and_its_text_is_the_one_the_sync_builds()
    {
        var lines = File.ReadAllLines(RepoPaths.Of("docs/contract.md"), Encoding.UTF8);
        var at = Array.FindIndex(lines, l => l.StartsWith("Example NotificationRequested", StringComparison.Ordinal));
        Assert.True(at >= 0, "docs/contract.md has no line starting with \"Example NotificationRequested\"");
        var fence = Array.FindIndex(lines, at, l => l.Trim() == "```json");
        var end = Array.FindIndex(lines, fence + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        var json = string.Join('\n', lines[(fence + 1)..end]);

        // MassTransit's System.Text.Json reading: camelCase names; the record's required members must be there.
        var message = JsonSerializer.Deserialize<NotificationRequested>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        Assert.Equal(2, message.Changes.Count);
        Assert.All(message.Changes, c => Assert.Contains(c.Kind, new[] { NotificationKinds.Created, NotificationKinds.Updated, NotificationKinds.Deleted }));
        var text = NotificationText.Of(message.Course.Name, message.Course.Id, message.Changes);
        Assert.Equal(text.Plain, message.Text.Plain);
        Assert.Equal(text.Html, message.Text.Html);
        Assert.Equal(32, message.NotificationId.Length);
    }
}
