using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror.Notifications;
using static Mofa.Sync.Store.Sqlite.SqliteStatements;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// A change's record in its course's digest, in SQL: written by the mirror writer inside the event's
/// own transaction (SqliteMirrorWriter.RecordChangeAsync), or on its own by the notification store.
/// </summary>
internal static class SqliteDigestRecords
{
    /// <param name="inMirrorWrite">
    /// Recorded by the write that applied its event for the first time: that write is the dedupe (the
    /// store's writes are atomic, so a redelivery never asks again), there is nothing to look up and no
    /// index on the change's random id to keep. On its own, the change is looked for among its course's
    /// digests first (by their index, then the digest-ordered key).
    /// </param>
    public static RecordedNotification Record(SqliteConnection tx, DigestChange n, TimeSpan window, DateTimeOffset now, bool inMirrorWrite)
    {
        if (!inMirrorWrite && Scalar(tx, """
                SELECT n.digest_id FROM notification_digests d JOIN notifications n ON n.digest_id = d.id AND n.id = $id
                WHERE d.site = $site AND d.course_id = $course LIMIT 1
                """, ("$id", n.ChangeId), ("$site", n.Site), ("$course", n.CourseId)) is string known)
        {
            return new RecordedNotification(known, IsNew: false);
        }

        var at = now.ToUnixTimeMilliseconds();
        var digestId = window > TimeSpan.Zero
            ? Scalar(tx, """
                SELECT id FROM notification_digests
                WHERE site = $site AND course_id = $course AND state = 'open' AND dispatched_at IS NULL AND due_at > $now
                ORDER BY created_at LIMIT 1
                """, ("$site", n.Site), ("$course", n.CourseId), ("$now", at)) as string
            : null;
        if (digestId is null)
        {
            digestId = Guid.NewGuid().ToString("N");
            Execute(tx, """
                INSERT INTO notification_digests(id, site, course_id, state, created_at, due_at)
                VALUES($id, $site, $course, 'open', $now, $due)
                """, ("$id", digestId), ("$site", n.Site), ("$course", n.CourseId), ("$now", at),
                ("$due", (now + window).ToUnixTimeMilliseconds()));
        }

        // The same change twice in one digest (a redelivery within the window) stays one row.
        var inserted = Execute(tx, """
            INSERT INTO notifications(id, digest_id, site, course_id, kind, cm_id, module_kind, item_name, item_url, event_id, time_created, received_at)
            VALUES($id, $digest, $site, $course, $kind, $cm, $module, $name, $url, $event, $time, $now)
            ON CONFLICT(digest_id, id) DO NOTHING
            """, ("$id", n.ChangeId), ("$digest", digestId), ("$site", n.Site), ("$course", n.CourseId), ("$kind", n.Kind),
            ("$cm", n.CmId), ("$module", n.ModuleKind), ("$name", n.ItemName), ("$url", n.ItemUrl), ("$event", n.EventId),
            ("$time", n.TimeCreated), ("$now", at));
        return new RecordedNotification(digestId, IsNew: inserted == 1);
    }
}
