using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror;
using Mofa.Sync.Mirror.Notifications;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// The conditional writes in SQL: each is one statement whose WHERE clause carries the version
/// check (INSERT … ON CONFLICT DO UPDATE … WHERE excluded.version &gt; version). Runs on the
/// store's single writer connection, inside the batch transaction, which it also begins, commits
/// and divides into one savepoint per event. Every statement is prepared once and reused with its
/// parameters; the rows a batch writes carry one reading of the clock. The changes the events make
/// are recorded on the same connection (the change outbox), so they commit with the writes.
/// </summary>
internal sealed class SqliteMirrorWriter : IMirrorWriter, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ChangeOutboxSettings _outbox;
    private readonly SqliteCommand _begin, _savepoint, _release, _rollbackToSavepoint, _commit, _rollback;
    private readonly Dictionary<MirrorCollection, TableStatements> _tables = [];

    /// <summary>When the batch began (unix milliseconds): the updated_at of every row it writes.</summary>
    private long _now;

    public SqliteMirrorWriter(SqliteConnection connection, ChangeOutboxSettings outbox)
    {
        _connection = connection;
        _outbox = outbox;
        _begin = Command(connection, "BEGIN IMMEDIATE");
        _savepoint = Command(connection, "SAVEPOINT event");
        _release = Command(connection, "RELEASE event");
        _rollbackToSavepoint = Command(connection, "ROLLBACK TO event; RELEASE event");
        _commit = Command(connection, "COMMIT");
        _rollback = Command(connection, "ROLLBACK");
    }

    /// <summary>The writer connection, for the notification store's writes that join the group commit (SqliteMirrorStore.WriteSqlAsync).</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>This batch recorded a change into a digest due at once: the store tells the publisher after the commit.</summary>
    public bool RecordedDueDigest { get; private set; }

    public void BeginBatch()
    {
        _begin.ExecuteNonQuery();
        _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        RecordedDueDigest = false;
    }

    public void BeginEvent() => _savepoint.ExecuteNonQuery();

    public void EndEvent() => _release.ExecuteNonQuery();

    /// <summary>Undoes the event's writes, and only those.</summary>
    public void UndoEvent() => _rollbackToSavepoint.ExecuteNonQuery();

    public void CommitBatch() => _commit.ExecuteNonQuery();

    /// <summary>Undoes the whole batch (unless SQLite already has: some errors end the transaction themselves).</summary>
    public void RollbackBatch()
    {
        if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0) _rollback.ExecuteNonQuery();
    }

    public Task<WriteOutcome> UpsertIfNewerAsync(MirrorDocument d, CancellationToken ct) =>
        Task.FromResult(Write(d.Collection, d.Key, d.Site, d.CourseId, d.UserId, d.Version, deleted: false, d.Data?.ToJsonString()));

    public Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, CancellationToken ct) =>
        Task.FromResult(Write(target.Collection, target.Key, site, courseId, userId, version, deleted: true, data: null));

    public Task EnsurePlaceholderAsync(DocumentRef target, string site, long? courseId, CancellationToken ct)
    {
        var cmd = Table(target.Collection).Placeholder;
        SqliteParameters.Bind(cmd, ("$key", target.Key), ("$site", site), ("$course", courseId), ("$now", _now));
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<int> TombstoneChildrenAsync(ChildSelector s, string version, CancellationToken ct)
    {
        var table = Table(s.Collection);
        var cmd = s.CourseId is not null ? table.TombstoneChildrenOfCourse : table.TombstoneChildrenOfUser;
        SqliteParameters.Bind(cmd, ("$site", s.Site), ("$course", s.CourseId), ("$user", s.UserId), ("$version", version), ("$now", _now));
        return Task.FromResult(cmd.ExecuteNonQuery());
    }

    public Task<MirrorDocument?> GetAsync(DocumentRef target, CancellationToken ct)
    {
        var cmd = Table(target.Collection).Document;
        SqliteParameters.Bind(cmd, ("$key", target.Key));
        using var reader = cmd.ExecuteReader();
        return Task.FromResult(reader.Read() ? SqliteRows.Document(target.Collection, reader) : null);
    }

    public Task<string?> GetTombstoneVersionAsync(DocumentRef target, CancellationToken ct)
    {
        var cmd = Table(target.Collection).TombstoneVersion;
        SqliteParameters.Bind(cmd, ("$key", target.Key));
        return Task.FromResult(cmd.ExecuteScalar() as string);
    }

    public Task<IReadOnlyList<MirrorDocument>> ListChildrenAsync(ChildSelector s, CancellationToken ct)
    {
        var table = Table(s.Collection);
        var cmd = s.CourseId is not null ? table.ChildrenOfCourse : table.ChildrenOfUser;
        if (s.CourseId is not null) SqliteParameters.Bind(cmd, ("$site", s.Site), ("$course", s.CourseId));
        else SqliteParameters.Bind(cmd, ("$site", s.Site), ("$user", s.UserId ?? throw new ArgumentException("a child selector needs a course or a user id", nameof(s))));
        using var reader = cmd.ExecuteReader();
        var docs = new List<MirrorDocument>();
        while (reader.Read()) docs.Add(SqliteRows.Document(s.Collection, reader));
        return Task.FromResult<IReadOnlyList<MirrorDocument>>(docs);
    }

    /// <summary>
    /// In the event's transaction (and its savepoint when a batch is rerun): the change and the mirror's writes
    /// commit together or not at all. Asked only for a first application (WritesAreAtomic), so the change's id
    /// is not looked up first.
    /// </summary>
    public Task RecordChangeAsync(ContentChange change, CancellationToken ct)
    {
        if (!_outbox.Records) return Task.CompletedTask;
        SqliteDigestRecords.Record(_connection, DigestChange.Of(change), _outbox.DigestWindow, DateTimeOffset.UtcNow, inMirrorWrite: true);
        RecordedDueDigest |= _outbox.DueAtOnce;
        return Task.CompletedTask;
    }

    private WriteOutcome Write(MirrorCollection c, string key, string site, long? courseId, long? userId, string version, bool deleted, string? data)
    {
        var table = Table(c);
        SqliteParameters.Bind(table.Upsert, ("$key", key), ("$site", site), ("$course", courseId), ("$user", userId), ("$version", version),
            ("$deleted", deleted ? 1 : 0), ("$data", data), ("$now", _now));
        if (table.Upsert.ExecuteNonQuery() > 0) return WriteOutcome.Applied;

        SqliteParameters.Bind(table.Version, ("$key", key));
        return table.Version.ExecuteScalar() as string == version ? WriteOutcome.AlreadyApplied : WriteOutcome.Stale;
    }

    private TableStatements Table(MirrorCollection c)
    {
        if (!_tables.TryGetValue(c, out var table))
        {
            table = new TableStatements(_connection, SqliteSchema.Table(c));
            _tables[c] = table;
        }

        return table;
    }

    /// <summary>The statements on one table, prepared on first use.</summary>
    private sealed class TableStatements(SqliteConnection connection, string t) : IDisposable
    {
        private readonly List<SqliteCommand> _created = [];

        public SqliteCommand Upsert => field ??= Create($"""
            INSERT INTO {t}(key, site, course_id, user_id, version, deleted, placeholder, data, updated_at)
            VALUES($key, $site, $course, $user, $version, $deleted, 0, $data, $now)
            ON CONFLICT(key) DO UPDATE SET
                course_id = coalesce(excluded.course_id, course_id), user_id = coalesce(excluded.user_id, user_id),
                version = excluded.version, deleted = excluded.deleted, placeholder = 0, data = excluded.data, updated_at = excluded.updated_at
            WHERE excluded.version > {t}.version
            """);

        public SqliteCommand Version => field ??= Create($"SELECT version FROM {t} WHERE key = $key");

        public SqliteCommand Placeholder => field ??= Create(
            $"INSERT INTO {t}(key, site, course_id, version, placeholder, updated_at) VALUES($key, $site, $course, '', 1, $now) ON CONFLICT(key) DO NOTHING");

        public SqliteCommand TombstoneChildrenOfCourse => field ??= Create(TombstoneChildren("course_id = $course"));

        public SqliteCommand TombstoneChildrenOfUser => field ??= Create(TombstoneChildren("user_id = $user"));

        public SqliteCommand ChildrenOfCourse => field ??= Create($"SELECT {SqliteRows.Columns} FROM {t} WHERE site = $site AND course_id = $course ORDER BY key");

        public SqliteCommand ChildrenOfUser => field ??= Create($"SELECT {SqliteRows.Columns} FROM {t} WHERE site = $site AND user_id = $user ORDER BY key");

        public SqliteCommand Document => field ??= Create($"SELECT {SqliteRows.Columns} FROM {t} WHERE key = $key");

        public SqliteCommand TombstoneVersion => field ??= Create($"SELECT version FROM {t} WHERE key = $key AND deleted = 1");

        private string TombstoneChildren(string parent) =>
            $"UPDATE {t} SET deleted = 1, placeholder = 0, data = NULL, version = $version, updated_at = $now WHERE site = $site AND {parent} AND version < $version";

        private SqliteCommand Create(string sql)
        {
            var cmd = Command(connection, sql);
            _created.Add(cmd);
            return cmd;
        }

        public void Dispose()
        {
            foreach (var cmd in _created) cmd.Dispose();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    public void Dispose()
    {
        foreach (var table in _tables.Values) table.Dispose();
        _tables.Clear();
        foreach (var cmd in new[] { _begin, _savepoint, _release, _rollbackToSavepoint, _commit, _rollback }) cmd.Dispose();
    }
}
