using System.Diagnostics;
using System.Security.Cryptography;
using Mofa.Sync.Host.Recordings;
using RabbitMQ.Client.Exceptions;

namespace Mofa.Sync.Host.Dlq;

/// <summary>
/// `dlq edit`: one dead-lettered bridge message, corrected by an operator and sent again. The
/// edited body must pass the service's own parser and validators (<see cref="BridgeFileValidator.CheckBody"/>)
/// and stay the same event (its eventId), so the apply rules take only one of the original and the
/// edited copy, whatever happens to the other. Under the queue's lease (<see cref="DeadLetterLease"/>):
/// the message is held unacknowledged while it is edited, republished to its agent's queue with
/// publisher confirms under its original routing key (as a replay does), and only then removed
/// from the dead-letter queue. A crash between the two leaves the original in the queue, once,
/// invalid as it was; the edited one is in the agent's queue.
/// </summary>
public sealed class DeadLetterEditor(DeadLetterBroker broker, DeliveryChecks checks)
{
    /// <summary>The DiagnosticListener the editor announces its steps on (a process can watch them, as the host's own is watched).</summary>
    public const string DiagnosticListenerName = "Mofa.Sync.Dlq";

    /// <summary>Written when the edited message is confirmed by the broker, before the dead-letter copy is removed.</summary>
    public const string PublishedEvent = "Mofa.Sync.Dlq.EditPublished";

    private static readonly DiagnosticListener Diagnostics = new(DiagnosticListenerName);

    public enum Outcome
    {
        /// <summary>Republished and removed from the dead-letter queue.</summary>
        Edited,

        /// <summary>Valid; nothing sent (--dry-run).</summary>
        WouldEdit,

        /// <summary>No message with that id in the queue.</summary>
        NotFound,

        /// <summary>The message cannot be edited (valid as it is, or its routing key is unknown).</summary>
        NotEditable,

        /// <summary>The edited body is still invalid, or another event.</summary>
        Invalid,

        /// <summary>The broker did not take the edited message: the original stays.</summary>
        NotSent,
    }

    public sealed record Result(
        Outcome Outcome, string Queue, string MessageId, string? Reason = null, string? Target = null, string? RoutingKey = null,
        string? Kind = null, string? OriginalSha256 = null, string? EditedSha256 = null, DateTimeOffset? EditedAt = null);

    /// <summary>The message with this id, as it is in the queue (left there); null when there is none.</summary>
    public async Task<DeadLetterMessage?> FindAsync(string queue, string messageId, CancellationToken ct)
    {
        await using var pass = await broker.OpenPassAsync(queue, ct);
        return await FindAsync(pass, messageId, ct);
    }

    /// <param name="edit">Gives the edited body for the message found (writes it to a file, opens an editor, reads a file).</param>
    public async Task<Result> EditAsync(string queue, string messageId, Func<DeadLetterMessage, CancellationToken, Task<byte[]>> edit, bool dryRun, CancellationToken ct)
    {
        // A dry run changes nothing, so it needs no lease and does not keep a replay waiting.
        await using var lease = dryRun ? null : await broker.TakeLeaseAsync(queue, ct);
        await using var pass = await broker.OpenPassAsync(queue, ct);
        var message = await FindAsync(pass, messageId, ct);
        if (message is null)
        {
            return new Result(Outcome.NotFound, queue, messageId,
                $"no message with id '{messageId}' is in {queue}: it was replayed, purged or edited already (or never failed there)");
        }

        if (message.OriginalRoutingKey is not { } routingKey)
        {
            return new Result(Outcome.NotEditable, queue, messageId,
                "its original routing key is not known, so the service could not tell its kind: have the bridge send it again");
        }

        var original = BridgeFileValidator.CheckBody(routingKey, message.Body, messageId, checks);
        if (original.Verdict.Outcome == LineOutcome.Valid)
        {
            return new Result(Outcome.NotEditable, queue, messageId,
                "it is valid as it is (it failed for another reason than its content): replay it with `mofa-sync dlq replay` once the cause is fixed", RoutingKey: routingKey);
        }

        var body = await edit(message, ct);
        var edited = BridgeFileValidator.CheckBody(routingKey, body, messageId, checks);
        var hashes = (Original: Sha256(message.Body.Span), Edited: Sha256(body));
        if (edited.Verdict.Outcome != LineOutcome.Valid || edited.Event is null)
        {
            var why = edited.Verdict.Outcome == LineOutcome.Ignored
                ? $"the service would ignore it ({edited.Verdict.Reason})"
                : edited.Verdict.Reason;
            return new Result(Outcome.Invalid, queue, messageId, $"the edited body is refused: {why}", RoutingKey: routingKey,
                OriginalSha256: hashes.Original, EditedSha256: hashes.Edited);
        }

        if (!string.Equals(edited.Event.EventId, message.EventId, StringComparison.Ordinal))
        {
            return new Result(Outcome.Invalid, queue, messageId,
                $"the edited body is refused: its eventId is '{edited.Event.EventId}', not '{message.EventId}'; an edit stays the same event, so the apply rules take only one of the two copies",
                RoutingKey: routingKey, OriginalSha256: hashes.Original, EditedSha256: hashes.Edited);
        }

        var kind = edited.Verdict.RoutingKey;
        if (dryRun)
        {
            return new Result(Outcome.WouldEdit, queue, messageId, Target: message.ReplayQueue, RoutingKey: routingKey, Kind: kind,
                OriginalSha256: hashes.Original, EditedSha256: hashes.Edited);
        }

        await using var publish = await broker.OpenConfirmedPublishChannelAsync(ct);
        try
        {
            // A pass of its own: if the edited message fails again, it returns under this id, like a replayed one.
            await DeadLetterReplayer.RepublishAsync(publish, message, body, Guid.NewGuid().ToString("N"), ct);
        }
        catch (Exception ex) when (ex is PublishException or OperationInterruptedException or AlreadyClosedException)
        {
            return new Result(Outcome.NotSent, queue, messageId, $"{DeadLetterReplayer.Explain(ex, message.ReplayQueue)}; the original stays in {queue}",
                RoutingKey: routingKey, OriginalSha256: hashes.Original, EditedSha256: hashes.Edited);
        }

        var editedAt = DateTimeOffset.UtcNow;
        if (Diagnostics.IsEnabled(PublishedEvent)) Diagnostics.Write(PublishedEvent, new { Queue = queue, MessageId = messageId });
        await pass.AcknowledgeAsync(message, ct);
        return new Result(Outcome.Edited, queue, messageId, Target: message.ReplayQueue, RoutingKey: routingKey, Kind: kind,
            OriginalSha256: hashes.Original, EditedSha256: hashes.Edited, EditedAt: editedAt);
    }

    /// <summary>Reads the pass up to the message with this id; those before it stay unacknowledged and go back in place with the pass.</summary>
    private static async Task<DeadLetterMessage?> FindAsync(DeadLetterPass pass, string messageId, CancellationToken ct)
    {
        while (await pass.NextAsync(ct) is { } message)
        {
            if (string.Equals(message.EventId, messageId, StringComparison.Ordinal)) return message;
        }

        return null;
    }

    private static string Sha256(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
