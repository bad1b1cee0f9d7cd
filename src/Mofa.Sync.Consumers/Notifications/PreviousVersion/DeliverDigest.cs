using MassTransit;

namespace Mofa.Sync.Consumers.Notifications;

/// <summary>
/// The previous version's internal command (its digest flush sent one to {prefix}.notifications
/// per closed window). This version sends none; the type stays, under its old message type
/// (urn:message:Mofa.Sync.Consumers.Notifications:DeliverDigest, the namespace of that version), only so that one left in the
/// queue, or replayed from _error, after an upgrade is still delivered: see
/// <see cref="DeliverDigestFromPreviousVersionConsumer"/>.
/// <para>
/// Upgrade shim: may be removed in the first release after the one CHANGELOG.md lists as Unreleased
/// on 2026-12-07 (whose upgrade note announces it; CHANGELOG.md numbers no release yet). Removed with <see cref="DeliverDigestFromPreviousVersionConsumer"/>, its definition
/// (NotificationConsumerDefinitions.cs), its registration (Host/Hosting/NotificationServices.cs) and
/// NotificationUpgradeTests.
/// </para>
/// </summary>
[MessageUrn("Mofa.Sync.Consumers.Notifications:DeliverDigest")]
public sealed record DeliverDigest(string DigestId);
