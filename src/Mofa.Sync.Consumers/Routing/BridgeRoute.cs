using FluentValidation;
using FluentValidation.Results;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Text;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Routing;

/// <summary>
/// One contract as a slice declares it: the routing keys whose bodies are read into it, the agent
/// whose queue is bound to them, its validator, the apply rule it calls and what it asks of the
/// mirror (the schema's first sentence). Everything the service and the docs know about a kind
/// comes from here (<see cref="BridgeRoutes"/>); a slice builds it with <see cref="BridgeRoute{TContract}"/>,
/// whose arguments are all required, so a missing piece does not compile.
/// </summary>
public abstract class BridgeRoute
{
    private protected BridgeRoute(SyncAgent agent, IReadOnlyList<string> routingKeys, string purpose)
    {
        if (routingKeys.Count == 0) throw new ArgumentException("a route needs at least one routing key", nameof(routingKeys));
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        Agent = agent;
        RoutingKeys = routingKeys;
        Purpose = purpose;
    }

    public SyncAgent Agent { get; }

    public IReadOnlyList<string> RoutingKeys { get; }

    /// <summary>What the message asks of the mirror, in one or two sentences (each schema's description starts with it).</summary>
    public string Purpose { get; }

    /// <summary>The record the bodies are read into.</summary>
    public abstract Type Contract { get; }

    /// <summary>The contract's validator, with the rules' settings; <paramref name="e"/> is of <see cref="Contract"/>.</summary>
    public abstract ValidationResult Validate(MoodleEvent e, ValidationSettings rules);

    /// <summary>The contract's apply rule; <paramref name="e"/> is of <see cref="Contract"/>.</summary>
    public abstract Task<ApplyResult> ApplyAsync(MirrorApplier mirror, MoodleEvent e, CancellationToken ct);
}

/// <summary>A route for <typeparamref name="TContract"/>: validator and rule typed by the contract, so neither can be the wrong one.</summary>
public sealed class BridgeRoute<TContract>(
    SyncAgent agent,
    IReadOnlyList<string> routingKeys,
    MoodleEventValidator<TContract> validator,
    Func<MirrorApplier, TContract, CancellationToken, Task<ApplyResult>> rule,
    string purpose) : BridgeRoute(agent, routingKeys, purpose)
    where TContract : MoodleEvent
{
    public override Type Contract => typeof(TContract);

    // The validator called with its own type: no untyped context to wrap on every message.
    public override ValidationResult Validate(MoodleEvent e, ValidationSettings rules)
    {
        var context = new ValidationContext<TContract>((TContract)e);
        rules.AddTo(context);
        return validator.Validate(context);
    }

    public override Task<ApplyResult> ApplyAsync(MirrorApplier mirror, MoodleEvent e, CancellationToken ct) => rule(mirror, (TContract)e, ct);
}
