using Mofa.Sync.Consumers.Configuration;
using Mofa.Sync.Store.MongoDb;
using Mofa.Sync.Consumers.Edge;

namespace Mofa.Sync.Host.Settings;

/// <summary>Checks every setting at start and reports all the wrong ones at once, by name.</summary>
public static class SettingsValidator
{
    public static void Validate(MofaSyncSettings s)
    {
        var problems = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok) problems.Add($"{key} {rule} (environment variable {SettingsLoader.EnvironmentVariableOf(key)})");
        }

        Check(s.RabbitMq.Hosts.Count > 0 || !string.IsNullOrWhiteSpace(s.RabbitMq.Host), "RabbitMq:Host", "must name the broker's host");
        for (var i = 0; i < s.RabbitMq.Hosts.Count; i++)
        {
            string? problem = null;
            try
            {
                BrokerNode.Parse(s.RabbitMq.Hosts[i], s.RabbitMq.Port);
            }
            catch (FormatException ex)
            {
                problem = ex.Message;
            }

            Check(problem is null, $"RabbitMq:Hosts:{i}", $"must be host or host:port, like rabbit1.example.edu:5672 ({problem})");
        }

        Check(s.RabbitMq.Hosts.Distinct(StringComparer.OrdinalIgnoreCase).Count() == s.RabbitMq.Hosts.Count, "RabbitMq:Hosts", "must not name a node twice");
        Check(Enum.IsDefined(s.RabbitMq.QueueType), "RabbitMq:QueueType", "must be Classic or Quorum");
        Check(s.RabbitMq.DeliveryLimit is >= 1 and <= 10_000, "RabbitMq:DeliveryLimit", $"must be between 1 and 10000 (got {s.RabbitMq.DeliveryLimit})");
        Check(s.RabbitMq.Port is > 0 and <= 65535, "RabbitMq:Port", $"must be between 1 and 65535 (got {s.RabbitMq.Port})");
        Check(!string.IsNullOrWhiteSpace(s.RabbitMq.VirtualHost), "RabbitMq:VirtualHost", "must not be empty (the default is /)");
        Check(!string.IsNullOrWhiteSpace(s.RabbitMq.Username), "RabbitMq:Username", "must not be empty");
        Check(!string.IsNullOrWhiteSpace(s.RabbitMq.Exchange), "RabbitMq:Exchange", "must not be empty");
        Check(!string.IsNullOrWhiteSpace(s.RabbitMq.QueuePrefix) && !s.RabbitMq.QueuePrefix.Contains(' ', StringComparison.Ordinal),
            "RabbitMq:QueuePrefix", "must be a non-empty name without spaces");
        Check(s.RabbitMq.PrefetchCount is > 0 and <= 65535, "RabbitMq:PrefetchCount", $"must be between 1 and 65535 (got {s.RabbitMq.PrefetchCount})");
        Check(s.RabbitMq.ConcurrentMessageLimit is >= 1 and <= 10_000, "RabbitMq:ConcurrentMessageLimit", $"must be between 1 and 10000 (got {s.RabbitMq.ConcurrentMessageLimit})");
        Check(s.RabbitMq.MaxBodyBytes is >= MessageLimits.MinBodyBytes and <= MessageLimits.MaxBodyBytesCeiling, "RabbitMq:MaxBodyBytes",
            $"must be between {MessageLimits.MinBodyBytes} and {MessageLimits.MaxBodyBytesCeiling} bytes (got {s.RabbitMq.MaxBodyBytes})");
        Check(s.RabbitMq.MaxHeaderBytes is >= MessageLimits.MinHeaderBytes and <= MessageLimits.MaxHeaderBytesCeiling, "RabbitMq:MaxHeaderBytes",
            $"must be between {MessageLimits.MinHeaderBytes} and {MessageLimits.MaxHeaderBytesCeiling} bytes, to leave room under the broker's frame_max (got {s.RabbitMq.MaxHeaderBytes})");

        Check(Enum.IsDefined(s.Store.Kind), "Store:Kind", "must be Sqlite or MongoDb");
        if (s.Store.Kind == StoreKind.Sqlite)
        {
            Check(!string.IsNullOrWhiteSpace(s.Store.Sqlite.Path), "Store:Sqlite:Path", "must name the database file");
            Check(s.Store.Sqlite.MaxBatch is >= 1 and <= 10_000, "Store:Sqlite:MaxBatch", $"must be between 1 and 10000 (got {s.Store.Sqlite.MaxBatch})");
            Range(s.Store.Sqlite.BusyTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "Store:Sqlite:BusyTimeout");
            Check(s.Store.Sqlite.CacheSizeMegabytes is >= 1 and <= 4096, "Store:Sqlite:CacheSizeMegabytes",
                $"must be between 1 and 4096 MiB (got {s.Store.Sqlite.CacheSizeMegabytes})");
            Check(s.Store.Sqlite.CheckpointInterval >= TimeSpan.FromMilliseconds(100) && s.Store.Sqlite.CheckpointInterval <= TimeSpan.FromMinutes(10),
                "Store:Sqlite:CheckpointInterval", $"must be between 00:00:00.1 and 00:10:00 (got {s.Store.Sqlite.CheckpointInterval})");
        }
        else
        {
            Check(!string.IsNullOrWhiteSpace(s.Store.MongoDb.ConnectionString), "Store:MongoDb:ConnectionString", "must be set when Store:Kind is MongoDb");
            Check(s.Store.MongoDb.ConnectionString is null or "" || s.Store.MongoDb.ConnectionString.StartsWith("mongodb://", StringComparison.Ordinal)
                || s.Store.MongoDb.ConnectionString.StartsWith("mongodb+srv://", StringComparison.Ordinal),
                "Store:MongoDb:ConnectionString", "must start with mongodb:// or mongodb+srv://");
            Check(!string.IsNullOrWhiteSpace(s.Store.MongoDb.Database), "Store:MongoDb:Database", "must not be empty");
            Check(MongoStoreConnection.Problem(s.Store.MongoDb.ConnectionString) is null, "Store:MongoDb:ConnectionString",
                "must not ask for w=0: the store needs every write acknowledged (it writes with w=majority and journal=true)");
            var unusable = MongoStoreConnection.ParseProblem(s.Store.MongoDb.ConnectionString);
            Check(unusable is null, "Store:MongoDb:ConnectionString", $"is not a valid MongoDB connection string: {unusable}");
        }

        // Ranges the code runs with: a timer's period (PeriodicTimer takes at most 49 days), a cut-off
        // date computed from now, a delay the shutdown adds to its own.
        Range(s.Store.TombstoneRetention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650), "Store:TombstoneRetention");
        Range(s.Store.PurgeInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7), "Store:PurgeInterval");
        Check(s.Sync.RetryLimit is >= 0 and <= 100, "Sync:RetryLimit", $"must be between 0 and 100 (got {s.Sync.RetryLimit})");
        Check(s.Sync.RetryMinInterval > TimeSpan.Zero && s.Sync.RetryMaxInterval >= s.Sync.RetryMinInterval,
            "Sync:RetryMinInterval", "must be positive and not above Sync:RetryMaxInterval");
        Range(s.Sync.RetryMaxInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), "Sync:RetryMaxInterval");
        Check(s.Sync.TeacherRoles.All(r => !string.IsNullOrWhiteSpace(r)), "Sync:TeacherRoles", "must not hold empty role names");
        var excludedModules = s.Sync.ExcludedModulesProblem();
        Check(excludedModules is null, "Sync:ExcludedModules", excludedModules ?? "");
        Check(s.Sync.MaxClockSkew >= TimeSpan.Zero && s.Sync.MaxClockSkew <= SyncOptions.MaxClockSkewLimit, "Sync:MaxClockSkew",
            $"must be between 00:00:00 and {SyncOptions.MaxClockSkewLimit:c} (got {s.Sync.MaxClockSkew:c})");
        Range(s.Service.ShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "Service:ShutdownTimeout");
        Check(s.Service.HealthPort is >= 0 and <= 65535, "Service:HealthPort", $"must be between 0 (off) and 65535 (got {s.Service.HealthPort})");
        Check(HealthListenAddress.TryParse(s.Service.HealthAddress, out _), "Service:HealthAddress",
            "must be an IP address of this machine (127.0.0.1 by default) or * for every interface");
        Range(s.Service.QueueMetricsInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "Service:QueueMetricsInterval");
        NotificationSettingsRules.Check(s, Check);
        Range(s.Notifications.FlushInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "Notifications:FlushInterval");
        Check(s.Reconcile.SafetyMargin >= TimeSpan.Zero && s.Reconcile.SafetyMargin <= TimeSpan.FromDays(1), "Reconcile:SafetyMargin", "must be between 00:00:00 and 1.00:00:00, like 00:01:00");
        Check(s.Reconcile.PageSize is > 0 and <= 10000, "Reconcile:PageSize", $"must be between 1 and 10000 (got {s.Reconcile.PageSize})");
        Check(s.Reconcile.CallsPerSecond is > 0 and <= 1000, "Reconcile:CallsPerSecond", $"must be above 0 and at most 1000 (got {s.Reconcile.CallsPerSecond})");
        Check(s.Reconcile.ConcurrentCourses is > 0 and <= 64, "Reconcile:ConcurrentCourses", $"must be between 1 and 64 (got {s.Reconcile.ConcurrentCourses})");
        Check(s.Reconcile.RetryLimit is >= 0 and <= 100, "Reconcile:RetryLimit", $"must be between 0 and 100 (got {s.Reconcile.RetryLimit})");
        Check(s.Reconcile.RetryMinInterval > TimeSpan.Zero && s.Reconcile.RetryMaxInterval >= s.Reconcile.RetryMinInterval,
            "Reconcile:RetryMinInterval", "must be positive and not above Reconcile:RetryMaxInterval");
        Range(s.Reconcile.RetryMaxInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), "Reconcile:RetryMaxInterval");
        Range(s.Reconcile.LeaseTime, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "Reconcile:LeaseTime");
        Range(s.Reconcile.StatusInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "Reconcile:StatusInterval");

        void Range(TimeSpan value, TimeSpan min, TimeSpan max, string key) =>
            Check(value >= min && value <= max, key, $"must be between {min:c} and {max:c} (got {value:c})");

        if (problems.Count > 0)
        {
            throw new SettingsException("invalid settings:\n  " + string.Join("\n  ", problems));
        }
    }
}
