using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror.Documents;
using Mofa.Sync.Mirror.Notifications;
using static Mofa.Sync.Store.Sqlite.SqliteStatements;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The notifications in the mirror's SQLite file, next to the mirror's tables (so the recipients
/// are read from teacherRoles in the same statement that fixes them). Every write is one
/// transaction (inside the mirror writer's group commit, or IMMEDIATE on its own connection):
/// SQLite serialises them, which is what makes a digest's close, a notification's attach and a
/// delivery's claim atomic across instances.
/// </summary>
public sealed class SqliteNotificationStore : INotificationStore
{
    private readonly SqliteFile _file;
    private readonly ISqliteWriterSession? _sharedWriter;
    private readonly DueDigestSignal _dueDigests;

    /// <param name="sharedWriter">The mirror store on the same file, whose writer these writes join.</param>
    public SqliteNotificationStore(SqliteStoreOptions options, SqliteMirrorStore? sharedWriter = null)
        : this(new SqliteFile(options), sharedWriter)
    {
    }

    internal SqliteNotificationStore(SqliteFile file, ISqliteWriterSession? sharedWriter)
    {
        _file = file;
        _sharedWriter = sharedWriter;
        _dueDigests = sharedWriter?.DueDigests ?? new DueDigestSignal();
    }

    public Task InitializeAsync(CancellationToken ct)
    {
        _file.Prepare();
        // One transaction: several instances starting at once, and a file of an earlier version moved whole or not at all.
        _file.InTransaction(connection =>
        {
            CreateSchema(connection);
            return 0;
        });
        return Task.CompletedTask;
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        // Files of an earlier version keep their changes under a primary key on the change's random id
        // (one more index page written per change): moved into the digest-ordered table below.
        var keyedById = Scalar(connection, "SELECT count(*) FROM pragma_table_info('notifications') WHERE name = 'id' AND pk = 1") is 1L;
        if (keyedById)
        {
            SqliteSchema.Exec(connection, """
                ALTER TABLE notifications RENAME TO notifications_keyed_by_id;
                DROP INDEX IF EXISTS ix_notifications_digest;
                DROP INDEX IF EXISTS ix_notifications_module;
                DROP INDEX IF EXISTS ix_notifications_received;
                """);
        }

        SqliteSchema.Exec(connection, """
            CREATE TABLE IF NOT EXISTS notification_digests (
                id            TEXT    NOT NULL PRIMARY KEY,
                site          TEXT    NOT NULL,
                course_id     INTEGER NOT NULL,
                state         TEXT    NOT NULL,   -- open (takes notifications) or closed (recipients fixed)
                created_at    INTEGER NOT NULL,   -- unix milliseconds, like every *_at here
                due_at        INTEGER NOT NULL,   -- the end of the digest window
                dispatched_at INTEGER NULL,       -- its NotificationRequested was published (the outbox's mark)
                closed_at     INTEGER NULL,
                course_name   TEXT    NULL,
                recipients    INTEGER NULL
            );
            CREATE INDEX IF NOT EXISTS ix_notification_digests_course ON notification_digests(site, course_id, state);
            -- The outbox's unpublished digests only: the index stays as small as the backlog.
            DROP INDEX IF EXISTS ix_notification_digests_due;
            CREATE INDEX IF NOT EXISTS ix_notification_digests_unpublished ON notification_digests(due_at) WHERE dispatched_at IS NULL;

            CREATE TABLE IF NOT EXISTS notifications (
                digest_id    TEXT    NOT NULL,
                id           TEXT    NOT NULL,   -- n:{site}|{eventId}
                site         TEXT    NOT NULL,
                course_id    INTEGER NOT NULL,
                kind         TEXT    NOT NULL,
                cm_id        INTEGER NOT NULL,
                module_kind  TEXT    NOT NULL,
                item_name    TEXT    NULL,
                item_url     TEXT    NULL,
                event_id     TEXT    NOT NULL,
                time_created INTEGER NOT NULL,   -- unix seconds, Moodle's
                received_at  INTEGER NOT NULL,
                -- Kept in digest order: a change is written next to its digest's others, and a close reads them in one range.
                PRIMARY KEY (digest_id, id)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS ix_notifications_received ON notifications(received_at);

            CREATE TABLE IF NOT EXISTS notification_deliveries (
                digest_id    TEXT    NOT NULL,
                user_id      INTEGER NOT NULL,
                state        TEXT    NOT NULL,   -- DeliveryStates
                moodle_msgid INTEGER NULL,
                reason       TEXT    NULL,
                attempts     INTEGER NOT NULL DEFAULT 0,
                updated_at   INTEGER NOT NULL,
                PRIMARY KEY (digest_id, user_id)
            ) WITHOUT ROWID;
            """);
        if (keyedById)
        {
            SqliteSchema.Exec(connection, """
                INSERT INTO notifications(digest_id, id, site, course_id, kind, cm_id, module_kind, item_name, item_url, event_id, time_created, received_at)
                SELECT digest_id, id, site, course_id, kind, cm_id, module_kind, item_name, item_url, event_id, time_created, received_at
                FROM notifications_keyed_by_id;
                DROP TABLE notifications_keyed_by_id;
                """);
        }
    }

    /// <summary>On its own (inside the next group commit when it shares the mirror's writer).</summary>
    public Task<RecordedNotification> RecordAsync(DigestChange change, TimeSpan window, DateTimeOffset now, CancellationToken ct) =>
        InTransaction(tx => SqliteDigestRecords.Record(tx, change, window, now, inMirrorWrite: false));

    /// <summary>Set by the mirror store whose writer these writes share (a store on its own records nothing at once: it only waits).</summary>
    public Task WaitForDueDigestAsync(TimeSpan maxWait, CancellationToken ct) => _dueDigests.WaitAsync(maxWait, ct);

    public Task<IReadOnlyList<string>> DueDigestsAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT id FROM notification_digests WHERE dispatched_at IS NULL AND due_at <= $now
            ORDER BY due_at LIMIT $max
            """, ("$now", now.ToUnixTimeMilliseconds()), ("$max", max));
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    public Task MarkPublishedAsync(IReadOnlyList<string> digestIds, DateTimeOffset now, CancellationToken ct) =>
        InTransaction(tx => digestIds.Sum(id => Execute(tx, "UPDATE notification_digests SET dispatched_at = $now WHERE id = $id AND dispatched_at IS NULL",
            ("$id", id), ("$now", now.ToUnixTimeMilliseconds()))));

    public Task<ClosedDigest?> CloseAsync(string digestId, DateTimeOffset now, CancellationToken ct) =>
        InTransaction(tx =>
        {
            string site;
            long courseId;
            bool open;
            using (var cmd = Command(tx, "SELECT site, course_id, state FROM notification_digests WHERE id = $id", ("$id", digestId)))
            using (var reader = cmd.ExecuteReader())
            {
                if (!reader.Read()) return null;
                (site, courseId, open) = (reader.GetString(0), reader.GetInt64(1), reader.GetString(2) == "open");
            }

            if (open)
            {
                // The recipients are the course's teachers now, fixed once: a teacher added later is not sent an old digest.
                var recipients = Execute(tx, """
                    INSERT INTO notification_deliveries(digest_id, user_id, state, updated_at)
                    SELECT DISTINCT $id, user_id, 'pending', $now FROM teacherRoles
                    WHERE site = $site AND course_id = $course AND deleted = 0 AND placeholder = 0 AND user_id IS NOT NULL
                    ON CONFLICT(digest_id, user_id) DO NOTHING
                    """, ("$id", digestId), ("$now", now.ToUnixTimeMilliseconds()), ("$site", site), ("$course", courseId));
                var courseName = Scalar(tx, "SELECT json_extract(data, '$.fullName') FROM courses WHERE key = $key AND deleted = 0",
                    ("$key", MirrorKeys.Course(site, courseId).Key)) as string;
                Execute(tx, """
                    UPDATE notification_digests SET state = 'closed', closed_at = $now, course_name = $name, recipients = $recipients
                    WHERE id = $id
                    """, ("$id", digestId), ("$now", now.ToUnixTimeMilliseconds()), ("$name", courseName), ("$recipients", recipients));
            }

            string? name;
            long closedAt;
            using (var cmd = Command(tx, "SELECT course_name, closed_at FROM notification_digests WHERE id = $id", ("$id", digestId)))
            using (var reader = cmd.ExecuteReader())
            {
                reader.Read();
                (name, closedAt) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
            }

            var recipientIds = new List<long>();
            using (var cmd = Command(tx, "SELECT user_id FROM notification_deliveries WHERE digest_id = $id ORDER BY user_id", ("$id", digestId)))
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read()) recipientIds.Add(reader.GetInt64(0));
            }

            return new ClosedDigest(digestId, site, courseId, name, ReadNotifications(tx, digestId), recipientIds, DateTimeOffset.FromUnixTimeMilliseconds(closedAt));
        });

    public Task<IReadOnlyList<long>> ClaimAsync(string digestId, int max, DateTimeOffset now, CancellationToken ct) =>
        InTransaction<IReadOnlyList<long>>(tx =>
        {
            using var cmd = Command(tx, """
                UPDATE notification_deliveries SET state = 'sending', attempts = attempts + 1, updated_at = $now
                WHERE digest_id = $id AND user_id IN (
                    SELECT user_id FROM notification_deliveries WHERE digest_id = $id AND state IN ('pending', 'retry')
                    ORDER BY user_id LIMIT $max)
                RETURNING user_id
                """, ("$id", digestId), ("$now", now.ToUnixTimeMilliseconds()), ("$max", max));
            using var reader = cmd.ExecuteReader();
            var claimed = new List<long>();
            while (reader.Read()) claimed.Add(reader.GetInt64(0));
            claimed.Sort();
            return claimed;
        });

    public Task RecordOutcomesAsync(string digestId, IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken ct) =>
        InTransaction(tx =>
        {
            foreach (var o in outcomes)
            {
                Execute(tx, """
                    UPDATE notification_deliveries SET state = $state, moodle_msgid = $msgid, reason = $reason, updated_at = $now
                    WHERE digest_id = $id AND user_id = $user AND state = 'sending'
                    """, ("$id", digestId), ("$user", o.UserId), ("$state", o.State), ("$msgid", o.MoodleMessageId), ("$reason", o.Reason),
                    ("$now", now.ToUnixTimeMilliseconds()));
            }

            return 0;
        });

    public Task<IReadOnlyList<NotificationStatus>> RecentAsync(int limit, CancellationToken ct)
    {
        using var connection = Open();
        var rows = new List<(string Id, string Site, long Course, string Kind, string Module, long Cm, string? Name, long Received, string Digest, string State, int Recipients)>();
        using (var cmd = Command(connection, """
            SELECT n.id, n.site, n.course_id, n.kind, n.module_kind, n.cm_id, n.item_name, n.received_at, n.digest_id, d.state, coalesce(d.recipients, 0)
            FROM notifications n JOIN notification_digests d ON d.id = n.digest_id
            ORDER BY n.received_at DESC, n.id LIMIT $limit
            """, ("$limit", limit)))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt64(7), reader.GetString(8), reader.GetString(9), reader.GetInt32(10)));
            }
        }

        var deliveries = new Dictionary<string, List<(string State, string? Reason)>>(StringComparer.Ordinal);
        foreach (var digestId in rows.Select(r => r.Digest).Distinct())
        {
            using var cmd = Command(connection, "SELECT state, reason FROM notification_deliveries WHERE digest_id = $id", ("$id", digestId));
            using var reader = cmd.ExecuteReader();
            var list = new List<(string, string?)>();
            while (reader.Read()) list.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            deliveries[digestId] = list;
        }

        return Task.FromResult<IReadOnlyList<NotificationStatus>>(rows.Select(r =>
        {
            var d = deliveries[r.Digest];
            int Count(params string[] states) => d.Count(x => states.Contains(x.State));
            return new NotificationStatus(r.Id, r.Site, r.Course, r.Kind, r.Module, r.Cm, r.Name, DateTimeOffset.FromUnixTimeMilliseconds(r.Received),
                r.Digest, r.State, r.Recipients, Count(DeliveryStates.Delivered), Count(DeliveryStates.Failed), Count(DeliveryStates.NotSent),
                Count(DeliveryStates.Pending, DeliveryStates.Retry), Count(DeliveryStates.Sending),
                d.Where(x => x.Reason is not null && x.State != DeliveryStates.Delivered).Select(x => x.Reason!).Distinct().Take(5).ToList());
        }).ToList());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static List<DigestChange> ReadNotifications(SqliteConnection tx, string digestId)
    {
        using var cmd = Command(tx, """
            SELECT id, site, course_id, kind, cm_id, module_kind, item_name, item_url, event_id, time_created
            FROM notifications WHERE digest_id = $id ORDER BY time_created, id
            """, ("$id", digestId));
        using var reader = cmd.ExecuteReader();
        var list = new List<DigestChange>();
        while (reader.Read())
        {
            list.Add(new DigestChange
            {
                ChangeId = reader.GetString(0),
                Site = reader.GetString(1),
                CourseId = reader.GetInt64(2),
                Kind = reader.GetString(3),
                CmId = reader.GetInt64(4),
                ModuleKind = reader.GetString(5),
                ItemName = reader.IsDBNull(6) ? null : reader.GetString(6),
                ItemUrl = reader.IsDBNull(7) ? null : reader.GetString(7),
                EventId = reader.GetString(8),
                TimeCreated = reader.GetInt64(9),
            });
        }

        return list;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction. With the mirror store's writer (the
    /// usual case) it joins that writer's group commit: one fsync for many notifications and no
    /// second writer contending for SQLite's lock; alone, it takes the lock up front (IMMEDIATE),
    /// so two instances never both read and then both write.
    /// </summary>
    private Task<T> InTransaction<T>(Func<SqliteConnection, T> work)
    {
        if (_sharedWriter is not null) return _sharedWriter.WriteSqlAsync(work, CancellationToken.None);
        return Task.FromResult(_file.InTransaction(work));
    }

    private SqliteConnection Open() => _file.Open();
}
