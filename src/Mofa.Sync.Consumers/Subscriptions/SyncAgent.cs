namespace Mofa.Sync.Consumers.Subscriptions;

/// <summary>The sync agents: one receive endpoint (queue) each, bound to moodle.events.</summary>
public enum SyncAgent
{
    Course,
    Module,
    User,
    Question,

    /// <summary>Reads a course back from Moodle after an event that brings no per-item events (Reconcile/).</summary>
    Reconcile,
}
