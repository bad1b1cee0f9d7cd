using MassTransit;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Consumers.Sites;
using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Records a NotificationRequested that reaches the notification queue directly: a replay of a
/// notifications_error message from the version that consumed them here, or one an operator moves
/// by hand. The agents record their notifications inside their mirror writes
/// (<see cref="NotificationSink"/>), and the queue is not bound to the NotificationRequested
/// exchange. Recording is once per notification id, so a notification recorded already changes
/// nothing; the flush sends the digest when its window closes (at once with a zero window).
/// </summary>
public sealed class NotificationRequestedConsumer(
    INotificationStore store,
    DigestFlushService flush,
    NotificationOptions options,
    ILogger<NotificationRequestedConsumer> logger) : IConsumer<NotificationRequested>
{
    public async Task Consume(ConsumeContext<NotificationRequested> context)
    {
        // Recorded under the site's one name, so the delivery finds the configured site (or says it is not one).
        var n = context.Message;
        if (SiteAddress.Canonicalize(n.Site, out _) is { } site && site != n.Site) n = n with { Site = site };
        var recorded = await store.RecordAsync(n, options.DigestWindow, DateTimeOffset.UtcNow, within: null, context.CancellationToken);
        logger.LogDebug("{NotificationId} recorded in digest {DigestId} (new: {IsNew})", n.NotificationId, recorded.DigestId, recorded.IsNew);
        if (options.DigestWindow == TimeSpan.Zero) flush.Nudge();
    }
}
