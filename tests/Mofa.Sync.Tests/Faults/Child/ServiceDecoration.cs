using Microsoft.Extensions.DependencyInjection;

namespace Mofa.Sync.Tests.Faults.Child;

/// <summary>Wraps the service's own registration of a port (a store adapter registers each by a factory) in a fault.</summary>
public static class ServiceDecoration
{
    public static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, T, T> wrap)
        where T : class
    {
        var configured = services.Last(d => d.ServiceType == typeof(T)).ImplementationFactory
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered by a factory");
        services.AddSingleton(sp => wrap(sp, (T)configured(sp)));
    }
}
