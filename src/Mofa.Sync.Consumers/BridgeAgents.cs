using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Consumers.Courses;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Modules;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Questions;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers.Users;
using Mofa.Sync.Contracts;
using Mofa.Sync.Contracts.Courses;
using Mofa.Sync.Contracts.Modules;
using Mofa.Sync.Contracts.Quizzes;
using Mofa.Sync.Contracts.Users;

namespace Mofa.Sync.Consumers;

/// <summary>
/// The bridge contract as the service subscribes to it: one line per contract — its agent, its routing
/// keys, its handler and its validator (both in the agent's folder). A new contract is one more line
/// here (docs/architecture.md, "Recipes"); BridgeRegistryTests fails for a contract or routing key
/// without one.
/// </summary>
public static class BridgeAgents
{
    public static readonly BridgeSubscriptions Subscriptions = new BridgeSubscriptions()
        .Add<CourseChanged, CourseChangedHandler, CourseChangedValidator>(SyncAgent.Course, BridgeRoutingKeys.CourseCreated, BridgeRoutingKeys.CourseUpdated)
        .Add<CourseDeleted, CourseDeletedHandler, CourseDeletedValidator>(SyncAgent.Course, BridgeRoutingKeys.CourseDeleted)
        .Add<CourseModuleChanged, CourseModuleChangedHandler, CourseModuleChangedValidator>(SyncAgent.Module, BridgeRoutingKeys.CourseModuleCreated, BridgeRoutingKeys.CourseModuleUpdated)
        .Add<CourseModuleDeleted, CourseModuleDeletedHandler, CourseModuleDeletedValidator>(SyncAgent.Module, BridgeRoutingKeys.CourseModuleDeleted)
        .Add<RoleAssigned, RoleAssignedHandler, RoleAssignedValidator>(SyncAgent.User, BridgeRoutingKeys.RoleAssigned)
        .Add<RoleUnassigned, RoleUnassignedHandler, RoleUnassignedValidator>(SyncAgent.User, BridgeRoutingKeys.RoleUnassigned)
        .Add<UserUpdated, UserUpdatedHandler, UserUpdatedValidator>(SyncAgent.User, BridgeRoutingKeys.UserUpdated)
        .Add<UserDeleted, UserDeletedHandler, UserDeletedValidator>(SyncAgent.User, BridgeRoutingKeys.UserDeleted)
        .Add<QuizQuestionsChanged, QuizQuestionsChangedHandler, QuizQuestionsChangedValidator>(SyncAgent.Question, BridgeRoutingKeys.QuizQuestionsChanged)
        .Add<CourseContentChanged, CourseContentChangedHandler, CourseContentChangedValidator>(SyncAgent.Reconcile,
            BridgeRoutingKeys.CourseRestored, BridgeRoutingKeys.CourseResetEnded, BridgeRoutingKeys.CourseContentDeleted, BridgeRoutingKeys.CourseBinItemRestored);

    /// <summary>The parser of every bridge message, for the service and the operator commands alike.</summary>
    public static readonly BridgeMessageParser Parser = new(Subscriptions);

    /// <summary>The map, the reader and every contract's handler (the edge's consumer is added to the bus by <see cref="AddConsumer"/>).</summary>
    public static IServiceCollection AddBridgeAgents(this IServiceCollection services)
    {
        Subscriptions.AddTo(services);
        services.AddSingleton<LargeBodyReclaimer>();
        services.AddSingleton<BridgeMessageReader>();
        return services;
    }

    /// <summary>The one consumer of every agent's queue.</summary>
    public static void AddConsumer(IBusRegistrationConfigurator bus) => bus.AddConsumer<BridgeEventConsumer>();

    /// <summary>
    /// Attaches the consumer to <paramref name="agent"/>'s receive endpoint, with the agent's retries: the
    /// reconcile agent reads Moodle and retries as Moodle needs; the others write the store.
    /// </summary>
    public static void ConfigureConsumer(SyncAgent agent, IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        endpoint.UseMessageRetry(agent == SyncAgent.Reconcile
            ? RetryPolicies.ReadingBack(context.GetRequiredService<ReconcileOptions>())
            : RetryPolicies.PassingFailures(context.GetRequiredService<IOptions<SyncOptions>>().Value));
        endpoint.ConfigureConsumer<BridgeEventConsumer>(context);
    }
}
