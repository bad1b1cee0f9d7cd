using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Notifications;

using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The notifications' change outbox, publishing side (the store adapter records the changes, inside
/// the mirror writes that make them). The digest window lives in the store (no delayed-message
/// plugin): every Notifications:FlushInterval (or at once when the store says that a change with a
/// zero window has committed: INotificationStore.WaitForDueDigestAsync) this service takes the digests whose window has closed
/// and that are not yet published, at most Notifications:MaxDigestsPerSecond of them a second,
/// and for each one
/// <list type="number">
/// <item>closes it: no change joins it any more, and its recipients (the course's teachers in the
///   mirror now) are fixed, each with a pending delivery record;</item>
/// <item>builds its NotificationRequested once (changes, recipients, text) and publishes it to the
///   notification exchange, waiting for the broker's confirm;</item>
/// <item>marks it published (one write for the batch).</item>
/// </list>
/// A crash after 1 finds the digest unpublished again (closing it again changes nothing); a crash
/// after 2 publishes it a second time with the same notificationId and message id, and the
/// notification consumer's delivery records make the second copy message nobody. At least once,
/// never lost. Several instances may publish the same digest: likewise harmless.
/// </summary>
/// <param name="faultPoint">None in the service; a crash test registers one (<see cref="OutboxFaultPoint"/>).</param>
public sealed class DigestPublisher(
    INotificationStore store,
    IPublishEndpoint bus,
    NotificationOptions options,
    ILogger<DigestPublisher> logger,
    OutboxFaultPoint? faultPoint = null) : BackgroundService
{
    /// <summary>How long a publish may wait for the broker before the batch is tried again at the next flush.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.WaitForDueDigestAsync(options.FlushInterval, stoppingToken);
                // Runs until nothing is due, a second's worth at a time, so a burst is paced rather
                // than sent at once or left for the next interval.
                while (await FlushAsync(stoppingToken) == options.MaxDigestsPerSecond)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Publishing the due digests failed, will retry in {Interval}: {Message}", options.FlushInterval, ex.Message);
            }
        }
    }

    /// <summary>Publishes the due digests (at most a second's worth); returns how many were due.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var due = await store.DueDigestsAsync(DateTimeOffset.UtcNow, options.MaxDigestsPerSecond, ct);
        if (due.Count == 0) return 0;
        await PublishAsync(due, ct);
        logger.LogDebug("Published {Count} digests", due.Count);
        return due.Count;
    }

    /// <summary>Closes, publishes and marks the digests (also for a DeliverDigest left by the previous version).</summary>
    public async Task PublishAsync(IReadOnlyList<string> digestIds, CancellationToken ct)
    {
        var closed = await Task.WhenAll(digestIds.Select(id => store.CloseAsync(id, DateTimeOffset.UtcNow, ct)));
        faultPoint?.Reached(OutboxFaultPoint.AfterClose);

        // Bounded: while the broker is away a publish waits for the connection; the batch is tried again later.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PublishTimeout);
        await Task.WhenAll(closed.OfType<ClosedDigest>().Where(d => d.Notifications.Count > 0).Select(async d =>
        {
            var message = MessageOf(d);
            // The same notification always has the same AMQP message id, for subscribers that deduplicate on it.
            await bus.Publish(message, p => p.MessageId = MessageIdOf(message.NotificationId), timeout.Token);
            if (d.Recipients.Count == 0)
            {
                logger.LogInformation("Digest {DigestId} of course {CourseId} ({Count} changes): no teacher in the mirror, nobody to tell",
                    d.DigestId, d.CourseId, d.Notifications.Count);
            }
        }));
        faultPoint?.Reached(OutboxFaultPoint.AfterPublish);

        // One write for the batch: published and not yet marked (a crash in between) means published again later.
        await store.MarkPublishedAsync(digestIds, DateTimeOffset.UtcNow, ct);
    }

    /// <summary>
    /// The digest's one NotificationRequested: its changes, its recipients and its text, built here
    /// once (and again by the notification consumer, to check a copy against its record). Names are
    /// cleaned as the text's are (<see cref="PlainText.Clean"/>) and a link is kept only when it is a
    /// plain web address: whatever the mirror holds, other subscribers get printable text.
    /// </summary>
    public static NotificationRequested MessageOf(ClosedDigest digest)
    {
        var changes = digest.Notifications.Select(n => n.ToNotified())
            .Select(c => c with { ItemName = Clean(c.ItemName), ItemUrl = HttpUrl.IsLink(c.ItemUrl) ? c.ItemUrl : null })
            .OrderBy(c => c.TimeCreated).ThenBy(c => c.EventId, StringComparer.Ordinal).ToList();
        return new NotificationRequested
        {
            NotificationId = digest.DigestId,
            Site = digest.Site,
            Course = new NotifiedCourse { Id = digest.CourseId, Name = Clean(digest.CourseName) },
            Recipients = digest.Recipients,
            Changes = changes,
            Text = NotificationText.Of(digest.CourseName, digest.CourseId, changes),
            ClosedAt = digest.ClosedAt.ToUnixTimeSeconds(),
        };
    }

    private static string? Clean(string? name) => name is null ? null : PlainText.Clean(name);

    /// <summary>A GUID derived from the notification id (the first 16 bytes of its SHA-256).</summary>
    public static Guid MessageIdOf(string notificationId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(notificationId)).AsSpan(0, 16));
}
