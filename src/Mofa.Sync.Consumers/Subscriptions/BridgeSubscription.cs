using System.ComponentModel;
using System.Reflection;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Consumers.Subscriptions;

/// <summary>
/// One contract of the bridge as the service subscribes to it: the routing keys whose bodies are read
/// into it, the agent whose queue is bound to them, its validator and its handler. Built only by
/// <see cref="BridgeSubscriptions.Add{TEvent, THandler, TValidator}"/>, typed, so that neither the
/// validator nor the handler can be of another contract.
/// </summary>
public abstract class BridgeSubscription
{
    private protected BridgeSubscription(SyncAgent agent, IReadOnlyList<string> routingKeys)
    {
        if (routingKeys.Count == 0) throw new ArgumentException("a subscription needs at least one routing key", nameof(routingKeys));
        Agent = agent;
        RoutingKeys = routingKeys;
    }

    public SyncAgent Agent { get; }

    public IReadOnlyList<string> RoutingKeys { get; }

    /// <summary>The record the bodies are read into.</summary>
    public abstract Type Contract { get; }

    /// <summary>The contract's validator.</summary>
    public abstract IValidator Validator { get; }

    /// <summary>What the message asks of the mirror: the contract's [Description] (each schema's description starts with it).</summary>
    public string Purpose => Contract.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";

    /// <summary>The contract's validator run on <paramref name="message"/>, which is of <see cref="Contract"/>.</summary>
    public abstract ValidationResult Validate(MoodleEvent message, ValidationSettings settings);

    /// <summary>The contract's handler, resolved from <paramref name="services"/>, called with <paramref name="message"/>.</summary>
    public abstract Task<ApplyResult> HandleAsync(IServiceProvider services, MoodleEvent message, CancellationToken ct);

    /// <summary>Registers the handler, unless one of the contract is registered already (a test's).</summary>
    internal abstract void AddHandler(IServiceCollection services);
}

/// <inheritdoc />
public sealed class BridgeSubscription<TEvent, THandler, TValidator>(SyncAgent agent, IReadOnlyList<string> routingKeys)
    : BridgeSubscription(agent, routingKeys)
    where TEvent : MoodleEvent
    where THandler : class, IBridgeEventHandler<TEvent>
    where TValidator : MoodleEventValidator<TEvent>, new()
{
    private readonly TValidator _validator = new();

    public override Type Contract => typeof(TEvent);

    public override IValidator Validator => _validator;

    public override ValidationResult Validate(MoodleEvent message, ValidationSettings settings)
    {
        var context = new ValidationContext<TEvent>((TEvent)message);
        settings.AddTo(context);
        return _validator.Validate(context);
    }

    public override Task<ApplyResult> HandleAsync(IServiceProvider services, MoodleEvent message, CancellationToken ct) =>
        services.GetRequiredService<IBridgeEventHandler<TEvent>>().HandleAsync((TEvent)message, ct);

    internal override void AddHandler(IServiceCollection services) => services.TryAddSingleton<IBridgeEventHandler<TEvent>, THandler>();
}
