using RabbitMQ.Client.Exceptions;

namespace Mofa.Sync.Host.Broker;

/// <summary>
/// The broker answered and refused: wrong credentials (ACCESS_REFUSED at login) or a user without
/// access to the virtual host (NOT_ALLOWED). Said with the settings to fix, instead of "not reachable
/// … check RabbitMq:Host", which sends the operator to the network.
/// </summary>
public static class BrokerRefusal
{
    /// <summary>The plain sentence for a refusal anywhere in the exception's causes, or null when it is none.</summary>
    public static string? Explain(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationFailureException || e.Message.Contains("ACCESS_REFUSED", StringComparison.Ordinal))
            {
                return "the broker refused the login (ACCESS_REFUSED): check RabbitMq:Username and RabbitMq:Password "
                    + "(environment variables MOFASYNC__RABBITMQ__USERNAME and MOFASYNC__RABBITMQ__PASSWORD)";
            }

            if (e.Message.Contains("NOT_ALLOWED", StringComparison.Ordinal) && e.Message.Contains("vhost", StringComparison.OrdinalIgnoreCase))
            {
                return "the broker refused access to the virtual host (NOT_ALLOWED): check RabbitMq:VirtualHost, and that RabbitMq:Username may use it "
                    + "(rabbitmqctl set_permissions)";
            }
        }

        return null;
    }
}
