using System.Text;
using System.Text.Json;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Mirror.Notifications;
using Mofa.Sync.Store.Sqlite;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// Upgrading from the version whose digest flush sent DeliverDigest and whose agents published one
/// NotificationRequested per change: what that version left in the notification queue and its _error queue.
/// </summary>
public sealed class NotificationUpgradeTests
{
    private static readonly long[] Teachers = [31, 32];

    [Fact]
    public async Task A_DeliverDigest_left_by_the_previous_version_is_delivered_once_and_its_replay_messages_nobody()
    {
        await using var world = new NotificationWorld([]);
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        // The previous version's state: a digest recorded, marked dispatched, its DeliverDigest in the queue.
        var digestId = await PreviousVersionDigestAsync(world, cmId: 501, "Old essay");
        await SendToNotificationQueueAsync(world, "urn:message:Mofa.Sync.Consumers.Notifications:DeliverDigest", new { digestId });
        var status = Assert.Single(await world.WaitForNotificationsAsync(n => n.Count == 1 && n[0].Delivered == 2, "the old digest delivered"));
        Assert.Equal(digestId, status.DigestId);
        var call = Assert.Single(world.Moodle.Calls);
        Assert.Equal(Teachers, call.Messages.Select(m => m.ToUserId).Order());
        Assert.Contains("Old essay", call.Messages[0].Text, StringComparison.Ordinal);

        // The same DeliverDigest replayed from _error: published again, and nobody is messaged twice.
        await world.Consumed.WaitForAsync(1);
        await SendToNotificationQueueAsync(world, "urn:message:Mofa.Sync.Consumers.Notifications:DeliverDigest", new { digestId });
        await world.Consumed.WaitForAsync(2);
        await world.Consumed.WaitForDeliverDigestAsync(2);
        Assert.Equal(2, world.Consumed.DeliverDigestFromPreviousVersion);
        Assert.Single(world.Moodle.Calls);
        Assert.Empty(await world.ErrorQueueAsync());
    }

    [Fact]
    public async Task An_old_per_change_NotificationRequested_replayed_goes_back_to_error_saying_so_and_changes_nothing()
    {
        await using var world = new NotificationWorld([]);
        await using var service = await world.StartServiceAsync();
        await world.CreateCourseWithTeachersAsync(service, Teachers);

        await SendToNotificationQueueAsync(world, "urn:message:Mofa.Sync.Contracts.Notifications:NotificationRequested", new
        {
            notificationId = $"n:{world.Site}|old-event-1", site = world.Site, courseId = NotificationWorld.CourseId, kind = "created",
            cmId = 502, moduleKind = "quiz", itemName = "Old quiz", itemUrl = (string?)null, eventId = "old-event-1", timeCreated = 1_700_000_000,
        });

        var error = Assert.Single(await world.WaitForErrorQueueAsync(1));
        Assert.Contains("NotificationRequested", error.Reason, StringComparison.Ordinal);
        Assert.Contains("was missing required properties including: 'course', 'recipients', 'changes'", error.Reason, StringComparison.Ordinal);
        Assert.Empty(world.Moodle.Calls);
        Assert.Empty(await world.NotificationsAsync());
    }

    /// <summary>A change recorded and its digest marked dispatched, as the previous version left it (due only in an hour: this version's publisher leaves it alone).</summary>
    private static async Task<string> PreviousVersionDigestAsync(NotificationWorld world, long cmId, string name)
    {
        await using var store = new SqliteNotificationStore(new SqliteStoreOptions { Path = world.Env.DatabasePath });
        var now = DateTimeOffset.UtcNow;
        var recorded = await store.RecordAsync(new DigestChange
        {
            ChangeId = DigestChange.IdFor(world.Site, "prev-" + Guid.NewGuid()), Site = world.Site, CourseId = NotificationWorld.CourseId,
            Kind = "created", CmId = cmId, ModuleKind = "assign", ItemName = name, EventId = "prev", TimeCreated = 1_700_000_000,
        }, TimeSpan.FromHours(1), now, CancellationToken.None);
        await store.MarkPublishedAsync([recorded.DigestId], now, CancellationToken.None);
        return recorded.DigestId;
    }

    /// <summary>A MassTransit envelope straight to the notification queue, as a replay from _error puts it there.</summary>
    private static async Task SendToNotificationQueueAsync(NotificationWorld world, string messageType, object message)
    {
        var body = JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(), messageType = new[] { messageType }, message,
            destinationAddress = $"rabbitmq://localhost/{QueueNames.Notifications(world.Env.Rabbit.QueuePrefix)}",
        });
        await using var connection = await TestBroker.ConnectAsync(world.Env.Rabbit);
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("", QueueNames.Notifications(world.Env.Rabbit.QueuePrefix), mandatory: false, properties, Encoding.UTF8.GetBytes(body));
    }
}
