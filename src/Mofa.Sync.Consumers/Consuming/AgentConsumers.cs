using MassTransit;
using Mofa.Sync.Consumers.Courses;
using Mofa.Sync.Consumers.Modules;
using Mofa.Sync.Consumers.Questions;
using Mofa.Sync.Consumers.Reconcile;
using Mofa.Sync.Consumers.Routing;
using Mofa.Sync.Consumers.Users;

namespace Mofa.Sync.Consumers.Consuming;

/// <summary>Each agent's consumer, with its definition, on the agent's receive endpoint.</summary>
public static class AgentConsumers
{
    public static void Add(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<CourseAgentConsumer, CourseAgentConsumerDefinition>();
        x.AddConsumer<ModuleAgentConsumer, ModuleAgentConsumerDefinition>();
        x.AddConsumer<UserAgentConsumer, UserAgentConsumerDefinition>();
        x.AddConsumer<QuestionAgentConsumer, QuestionAgentConsumerDefinition>();
        x.AddConsumer<CourseReconcileConsumer, CourseReconcileConsumerDefinition>();
    }

    public static void Configure(SyncAgent agent, IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        // No discard arm on purpose: an agent added to SyncAgent without its consumer here does not compile (CS8509).
#pragma warning disable CS8524
        Action configure = agent switch
#pragma warning restore CS8524
        {
            SyncAgent.Course => () => endpoint.ConfigureConsumer<CourseAgentConsumer>(context),
            SyncAgent.Module => () => endpoint.ConfigureConsumer<ModuleAgentConsumer>(context),
            SyncAgent.User => () => endpoint.ConfigureConsumer<UserAgentConsumer>(context),
            SyncAgent.Question => () => endpoint.ConfigureConsumer<QuestionAgentConsumer>(context),
            SyncAgent.Reconcile => () => endpoint.ConfigureConsumer<CourseReconcileConsumer>(context),
        };
        configure();
    }
}
