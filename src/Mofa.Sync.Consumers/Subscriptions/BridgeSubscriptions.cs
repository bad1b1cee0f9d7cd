using Microsoft.Extensions.DependencyInjection;
using Mofa.Sync.Consumers.Validation;
using Mofa.Sync.Contracts.Envelope;

namespace Mofa.Sync.Consumers.Subscriptions;

/// <summary>
/// The subscription map: routing key → contract, its agent, validator and handler, built with one
/// <see cref="Add{TEvent, THandler, TValidator}"/> line per contract (Consumers/BridgeAgents.cs). The
/// parser, the agents' queue bindings, the edge's dispatch, the schema generation and the docs' tests
/// all read it; it knows no agent folder.
/// </summary>
public sealed class BridgeSubscriptions
{
    private readonly List<BridgeSubscription> _all = [];
    private readonly Dictionary<string, BridgeSubscription> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, BridgeSubscription> _byContract = [];

    /// <summary>Subscribes <typeparamref name="THandler"/> to the messages of <paramref name="routingKeys"/>, read into <typeparamref name="TEvent"/> and checked by <typeparamref name="TValidator"/>.</summary>
    public BridgeSubscriptions Add<TEvent, THandler, TValidator>(SyncAgent agent, params string[] routingKeys)
        where TEvent : MoodleEvent
        where THandler : class, IBridgeEventHandler<TEvent>
        where TValidator : MoodleEventValidator<TEvent>, new()
    {
        var subscription = new BridgeSubscription<TEvent, THandler, TValidator>(agent, routingKeys);
        if (!_byContract.TryAdd(typeof(TEvent), subscription)) throw new ArgumentException($"{typeof(TEvent).Name} is subscribed twice");
        foreach (var key in routingKeys)
        {
            if (!_byKey.TryAdd(key, subscription)) throw new ArgumentException($"routing key {key} is subscribed twice");
        }

        _all.Add(subscription);
        return this;
    }

    /// <summary>Every subscription, in the order they were added.</summary>
    public IReadOnlyList<BridgeSubscription> All => _all;

    /// <summary>One row of the routing table.</summary>
    public sealed record Route(string RoutingKey, Type Contract, SyncAgent Agent);

    /// <summary>Every routing key with its contract and agent, in the order they were added.</summary>
    public IReadOnlyList<Route> Routes => _all.SelectMany(s => s.RoutingKeys.Select(k => new Route(k, s.Contract, s.Agent))).ToList();

    /// <summary>The subscription of <paramref name="routingKey"/>, or null for a kind the service does not read.</summary>
    public BridgeSubscription? Find(string? routingKey) =>
        routingKey is not null && _byKey.TryGetValue(routingKey, out var s) ? s : null;

    /// <summary>The subscription of <paramref name="contract"/>; every contract the parser produces has one.</summary>
    public BridgeSubscription Of(Type contract) =>
        _byContract.TryGetValue(contract, out var s) ? s : throw new ArgumentException($"no subscription reads {contract.Name}", nameof(contract));

    public IEnumerable<string> RoutingKeysOf(SyncAgent agent) =>
        _all.Where(s => s.Agent == agent).SelectMany(s => s.RoutingKeys);

    /// <summary>Registers this map and every subscription's handler.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        foreach (var s in _all) s.AddHandler(services);
    }
}
