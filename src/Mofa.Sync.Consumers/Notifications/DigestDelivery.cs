using System.Globalization;
using Microsoft.Extensions.Logging;
using Mofa.Sync.Moodle;
using Mofa.Sync.Moodle.Functions;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Consumers.Telemetry;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Notifications;

using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Delivers one NotificationRequested (one closed digest) to its recipients, each at most once:
/// <list type="number">
/// <item>the message only names the digest: the site, the recipients and the text come from this
///   service's own record of it (<see cref="RecordedDigestCheck"/>). A message for a digest it does
///   not hold, or that differs from what it recorded, is refused: logged once, counted
///   (mofa_sync_notification_requests_refused_total), acknowledged, and nobody is messaged;</item>
/// <item>the digest's delivery records were made when it closed (one pending record per recipient);</item>
/// <item>claim up to 100 pending records at a time (a claim is atomic in the store, so two instances or a
///   redelivered NotificationRequested never claim the same one), call Moodle once for them, and record each answer;</item>
/// <item>if the call fails as a whole, release the claimed records (retry) and throw: the message is retried or
///   lands in _error, and a replay claims them again;</item>
/// <item>if Moodle answered HTTP 2xx with something that cannot be read, the call may have taken effect:
///   the records are failed (not sent again) with the reason, and the message is acknowledged.</item>
/// </list>
/// A second copy of a NotificationRequested (the outbox publishes at least once) finds nothing to
/// claim and messages nobody. A record left "sending" means the service stopped while Moodle may
/// have been handling it; it is never claimed again, so no teacher is sent the same digest twice.
/// Moodle's clientmsgid carries the (digest, recipient) pair so an answer is matched to its
/// record, and anyone reading Moodle's side can recognise a message. The record's site picks the
/// configured site (its address, its token); a site that is not configured, or has no token, is
/// sent nothing.
/// </summary>
public sealed class DigestDelivery(
    INotificationStore store,
    MoodleMessageClient moodle,
    MoodleSites sites,
    SitePacer pacer,
    SyncMetrics metrics,
    HealthSignals health,
    ILogger<DigestDelivery> logger)
{
    public const string NoMoodleReason = "not sent: no Moodle web service configured";

    /// <summary>What a failed record says when Moodle's answer could not be read (after the answer's own reason).</summary>
    public const string UnconfirmedReason = "the message may have reached the teacher; it is not sent again";

    /// <summary>Why a digest of <paramref name="site"/> is not sent, or null when it can be.</summary>
    public static string? NotSentReason(MoodleSites sites, string site) => sites.Find(site) switch
    {
        null when !sites.AreConfigured => NoMoodleReason,
        null => "not sent: " + MoodleSites.NotConfigured(site),
        { HasToken: false } => $"not sent: the Moodle site {site} has no web service token (Moodle:Sites)",
        _ => null,
    };

    public async Task DeliverAsync(NotificationRequested notification, CancellationToken ct)
    {
        if (await RecordedAsync(notification, ct) is not { } recorded) return;

        var digestId = recorded.NotificationId;
        var notSent = NotSentReason(sites, recorded.Site);
        var claimedAny = false;
        while (true)
        {
            var claimed = await store.ClaimAsync(digestId, MoodleMessageClient.MaxMessagesPerCall, DateTimeOffset.UtcNow, ct);
            if (claimed.Count == 0) break;
            claimedAny = true;

            if (notSent is not null)
            {
                await store.RecordOutcomesAsync(digestId, claimed.Select(u => new DeliveryOutcome(u, DeliveryStates.NotSent, Reason: notSent)).ToList(),
                    DateTimeOffset.UtcNow, ct);
                metrics.Notifications(NotificationOutcomes.NotSent, claimed.Count);
                logger.LogInformation("Digest {DigestId} of course {CourseId} ({Count} changes) for {Recipients} teachers {Reason}",
                    digestId, recorded.Course.Id, recorded.Changes.Count, claimed.Count, notSent);
            }
            else
            {
                await SendBatchAsync(sites.Find(recorded.Site)!, recorded, claimed, ct);
            }

            // A short claim took the last pending records: no need for one more write to learn it.
            if (claimed.Count < MoodleMessageClient.MaxMessagesPerCall) break;
        }

        if (!claimedAny)
        {
            logger.LogDebug("{NotificationId}: nobody left to message (a copy delivered already, or no teacher)", digestId);
        }
    }

    /// <summary>
    /// The digest as this service recorded it, built as it was published; null (logged, counted) when
    /// the message names no digest of this store or differs from it. The digest was closed before its
    /// message was published, so reading it through CloseAsync changes nothing.
    /// </summary>
    private async Task<NotificationRequested?> RecordedAsync(NotificationRequested notification, CancellationToken ct)
    {
        var id = notification.NotificationId;
        var digest = string.IsNullOrEmpty(id) ? null : await store.CloseAsync(id, DateTimeOffset.UtcNow, ct);
        var recorded = digest is { Notifications.Count: > 0 } ? DigestPublisher.MessageOf(digest) : null;
        var (refusal, why) = recorded is null
            ? (NotificationRequestRefusals.UnknownDigest, "this service recorded no digest with that id")
            : RecordedDigestCheck.Difference(notification, recorded) is { } difference
                ? (NotificationRequestRefusals.Differs, difference)
                : (null, null);
        if (refusal is null) return recorded;

        metrics.NotificationRequestRefused(refusal);
        logger.LogWarning("NotificationRequested {NotificationId} for {Site} refused, nobody messaged: {Why}",
            Echo.Cut(id), Echo.Cut(notification.Site), why);
        return null;
    }

    private async Task SendBatchAsync(MoodleSite site, NotificationRequested digest, IReadOnlyList<long> recipients, CancellationToken ct)
    {
        var messages = recipients.Select(u => new MoodleMessage(u, digest.Text.Html, MoodleTextFormat.Html, ClientMessageId(digest.NotificationId, u))).ToList();
        IReadOnlyList<MoodleMessageResult> results;
        // The rolling reconcile of the site yields to the notification.
        await pacer.NoteOtherCallAsync(site.Url, ct);
        try
        {
            results = await moodle.SendInstantMessagesAsync(site, messages, ct);
        }
        catch (MoodleUnreadableAnswerException ex)
        {
            // Moodle answered 2xx: it may have sent them. At most once: failed, with the reason, never claimed again.
            var reason = $"{ex.Message}; {UnconfirmedReason}";
            await store.RecordOutcomesAsync(digest.NotificationId, recipients.Select(u => new DeliveryOutcome(u, DeliveryStates.Failed, Reason: reason)).ToList(),
                DateTimeOffset.UtcNow, CancellationToken.None);
            metrics.Notifications(NotificationOutcomes.Unconfirmed, recipients.Count);
            logger.LogWarning("Digest {DigestId}: sending to {Count} teachers ended unconfirmed: {Reason}", digest.NotificationId, recipients.Count, reason);
            return;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Nothing of this call was delivered: the records become claimable again by a retry or a replay.
            // Anything but Moodle's two failures is unexpected: it is reported as Moodle being unavailable, with its type.
            var failure = ex as MoodleRejectedException ?? ex as MoodleUnavailableException as Exception
                ?? new MoodleUnavailableException($"Calling Moodle at {site.Url} failed unexpectedly ({ex.GetType().Name}: {MoodleWebServiceCaller.Quote(site, ex.Message)})");
            await store.RecordOutcomesAsync(digest.NotificationId, recipients.Select(u => new DeliveryOutcome(u, DeliveryStates.Retry, Reason: failure.Message)).ToList(),
                DateTimeOffset.UtcNow, CancellationToken.None);
            metrics.Notifications(NotificationOutcomes.CallFailed, recipients.Count);
            logger.LogWarning("Digest {DigestId}: sending to {Count} teachers failed: {Reason}", digest.NotificationId, recipients.Count, failure.Message);
            health.Notifications.Failed($"digest {digest.NotificationId} of course {digest.Course.Id} not delivered, parked: {failure.Message}");
            if (failure == ex) throw;
            throw failure;
        }

        // Cancelled mid-call (shutdown) ends above with the records left "sending": never sent twice.
        var byClientId = results.Where(r => r.ClientMessageId is not null).GroupBy(r => r.ClientMessageId!).ToDictionary(g => g.Key, g => g.First());
        var outcomes = new List<DeliveryOutcome>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var result = byClientId.GetValueOrDefault(m.ClientMessageId) ?? (i < results.Count && results[i].ClientMessageId is null ? results[i] : null);
            outcomes.Add(result switch
            {
                null => new DeliveryOutcome(m.ToUserId, DeliveryStates.Failed, Reason: "Moodle's answer had no result for this message"),
                { Succeeded: true } => new DeliveryOutcome(m.ToUserId, DeliveryStates.Delivered, result.MessageId),
                _ => new DeliveryOutcome(m.ToUserId, DeliveryStates.Failed,
                    Reason: result.ErrorMessage is null ? "Moodle refused the message (msgid -1)" : MoodleWebServiceCaller.Quote(site, result.ErrorMessage)),
            });
        }

        await store.RecordOutcomesAsync(digest.NotificationId, outcomes, DateTimeOffset.UtcNow, CancellationToken.None);
        health.Notifications.Succeeded();
        var failed = outcomes.Where(o => o.State == DeliveryStates.Failed).ToList();
        metrics.Notifications(NotificationOutcomes.Delivered, outcomes.Count - failed.Count);
        metrics.Notifications(NotificationOutcomes.Refused, failed.Count);
        logger.LogInformation("Digest {DigestId} of course {CourseId}: {Delivered} teachers messaged, {Failed} refused by Moodle",
            digest.NotificationId, digest.Course.Id, outcomes.Count - failed.Count, failed.Count);
        foreach (var f in failed)
        {
            logger.LogWarning("Digest {DigestId}: Moodle refused the message to user {UserId}: {Reason}", digest.NotificationId, f.UserId, f.Reason);
        }
    }

    /// <summary>Moodle's clientmsgid is PARAM_ALPHANUMEXT: letters, digits, _ and -.</summary>
    public static string ClientMessageId(string digestId, long userId) =>
        string.Create(CultureInfo.InvariantCulture, $"mofa-{digestId}-{userId}");
}
