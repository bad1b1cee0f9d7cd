using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Tests.Faults.Child;

/// <summary>
/// Runs in the service process a test starts with <see cref="ChildFaults"/>, before its Main
/// (called by the runtime's <c>StartupHook</c> class below). The generic host announces each host
/// it builds on the "Microsoft.Extensions.Hosting" diagnostic listener ("HostBuilding", the hook
/// Entity Framework's tools use too); the faults are added to the services there, after the
/// service's own registrations, so they replace the store and the outbox fault point.
/// </summary>
public static class FaultStartupHook
{
    private const string HostingListener = "Microsoft.Extensions.Hosting";
    private const string HostBuilding = "HostBuilding";

    /// <summary>Printed just before the process kills itself at a DiagnosticListener event (<see cref="ChildFaults.KillAtDiagnostic"/>).</summary>
    public const string KillingLine = "fault-point: killing the process at";

    public static void Initialize()
    {
        var faults = ChildFaults.FromEnvironment();
        DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (faults.KillAtDiagnostic is { } killAt && killAt.Split('/') is [var listenerName, var eventName] && listener.Name == listenerName)
            {
                listener.Subscribe(new Observer<KeyValuePair<string, object?>>(e =>
                {
                    if (e.Key != eventName) return;
                    Console.Out.WriteLine($"{KillingLine} {killAt}");
                    Console.Out.Flush();
                    Process.GetCurrentProcess().Kill();
                }));
            }

            if (listener.Name != HostingListener) return;
            listener.Subscribe(new Observer<KeyValuePair<string, object?>>(e =>
            {
                if (e.Key != HostBuilding) return;
                switch (e.Value)
                {
                    case HostApplicationBuilder builder:
                        Add(builder.Services, faults);
                        break;
                    case IHostBuilder builder:
                        builder.ConfigureServices(services => Add(services, faults));
                        break;
                }
            }));
        }));
    }

    private static void Add(IServiceCollection services, ChildFaults faults)
    {
        // Only the service's own host: the process builds others (the health endpoint's web host).
        if (!services.Any(d => d.ServiceType == typeof(IMirrorStore))) return;
        if (faults.HoldWritesAfter is { } after) HoldingStore.Install(services, after, faults.ReleaseFile, faults.ReleaseAtStop);
        if (faults.KillAtOutboxPoint is { } point)
        {
            services.AddSingleton<OutboxFaultPoint>(new KillingOutboxFaultPoint(point));
            ServiceDecoration.Decorate<INotificationStore>(services, (_, real) => new UnclaimedDeliveries(real));
        }
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnNext(T value) => next(value);

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
