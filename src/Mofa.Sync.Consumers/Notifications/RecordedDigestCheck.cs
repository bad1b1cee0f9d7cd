using Mofa.Sync.Contracts.Notifications;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// Whether a NotificationRequested is the one this service published for its digest. Anyone who
/// can publish to the notification exchange (every subscriber sees the digest ids) could otherwise
/// make the service message teachers with the site's token: a copy is delivered only when its
/// site, course, recipients, changes and text are what the digest record gives
/// (<see cref="DigestPublisher.MessageOf"/>), and even then the text sent is the record's own.
/// The course name is not compared on its own (the text carries it, and an earlier version
/// published it uncleaned); nor is closedAt (it says nothing about whom or what is sent).
/// </summary>
public static class RecordedDigestCheck
{
    /// <summary>Null when <paramref name="message"/> matches <paramref name="recorded"/>, else the first difference in plain words.</summary>
    public static string? Difference(NotificationRequested message, NotificationRequested recorded)
    {
        if (!string.Equals(message.Site, recorded.Site, StringComparison.Ordinal)) return "its site is not the digest's";
        if (message.Course?.Id != recorded.Course.Id) return "its course is not the digest's";
        if (!(message.Recipients ?? []).SequenceEqual(recorded.Recipients)) return "its recipients are not the digest's";
        if (!(message.Changes ?? []).Select(Identity).SequenceEqual(recorded.Changes.Select(Identity))) return "its changes are not the digest's";
        if (!string.Equals(message.Text?.Html, recorded.Text.Html, StringComparison.Ordinal)
            || !string.Equals(message.Text?.Plain, recorded.Text.Plain, StringComparison.Ordinal))
        {
            return "its text is not the digest's";
        }

        return null;
    }

    private static (string?, string?, long) Identity(NotifiedChange? change) => (change?.EventId, change?.Kind, change?.CmId ?? 0);
}
