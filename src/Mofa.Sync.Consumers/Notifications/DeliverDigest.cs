namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Internal command, sent by the flush to the sync's own notification queue when a digest's
/// window has closed. Going through the queue (rather than calling Moodle from the flush) gives
/// the delivery the same retries and _error queue as any message, so a bad token is visible and
/// replayable like everything else.
/// </summary>
public sealed record DeliverDigest(string DigestId);
