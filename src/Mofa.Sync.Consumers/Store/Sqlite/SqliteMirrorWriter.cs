using Microsoft.Data.Sqlite;
using Mofa.Sync.Consumers.Mirror;

namespace Mofa.Sync.Consumers.Store.Sqlite;

/// <summary>
/// The conditional writes in SQL: each is one statement whose WHERE clause carries the version
/// check (INSERT … ON CONFLICT DO UPDATE … WHERE excluded.version &gt; version). Runs on the
/// store's single writer connection, inside the batch transaction.
/// </summary>
internal sealed class SqliteMirrorWriter(SqliteConnection connection) : IMirrorWriter, IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = [];

    public Task<WriteOutcome> UpsertIfNewerAsync(MirrorDocument d, CancellationToken ct) =>
        Task.FromResult(Write(d.Collection, d.Key, d.Site, d.CourseId, d.UserId, d.Version, deleted: false, d.Data?.ToJsonString()));

    public Task<WriteOutcome> TombstoneIfNewerAsync(DocumentRef target, string site, long? courseId, long? userId, string version, CancellationToken ct) =>
        Task.FromResult(Write(target.Collection, target.Key, site, courseId, userId, version, deleted: true, data: null));

    public Task EnsurePlaceholderAsync(DocumentRef target, string site, long? courseId, CancellationToken ct)
    {
        var t = SqliteSchema.Table(target.Collection);
        var cmd = Prepare($"INSERT INTO {t}(key, site, course_id, version, placeholder, updated_at) VALUES($key, $site, $course, '', 1, $now) ON CONFLICT(key) DO NOTHING");
        Bind(cmd, ("$key", target.Key), ("$site", site), ("$course", courseId), ("$now", Now()));
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<int> TombstoneChildrenAsync(ChildSelector s, string version, CancellationToken ct)
    {
        var t = SqliteSchema.Table(s.Collection);
        var parent = s.CourseId is not null ? "course_id = $course" : "user_id = $user";
        var cmd = Prepare($"UPDATE {t} SET deleted = 1, placeholder = 0, data = NULL, version = $version, updated_at = $now WHERE site = $site AND {parent} AND version < $version");
        Bind(cmd, ("$site", s.Site), ("$course", s.CourseId), ("$user", s.UserId), ("$version", version), ("$now", Now()));
        return Task.FromResult(cmd.ExecuteNonQuery());
    }

    public Task<string?> GetTombstoneVersionAsync(DocumentRef target, CancellationToken ct)
    {
        var cmd = Prepare($"SELECT version FROM {SqliteSchema.Table(target.Collection)} WHERE key = $key AND deleted = 1");
        Bind(cmd, ("$key", target.Key));
        return Task.FromResult(cmd.ExecuteScalar() as string);
    }

    private WriteOutcome Write(MirrorCollection c, string key, string site, long? courseId, long? userId, string version, bool deleted, string? data)
    {
        var t = SqliteSchema.Table(c);
        var cmd = Prepare($"""
            INSERT INTO {t}(key, site, course_id, user_id, version, deleted, placeholder, data, updated_at)
            VALUES($key, $site, $course, $user, $version, $deleted, 0, $data, $now)
            ON CONFLICT(key) DO UPDATE SET
                course_id = coalesce(excluded.course_id, course_id), user_id = coalesce(excluded.user_id, user_id),
                version = excluded.version, deleted = excluded.deleted, placeholder = 0, data = excluded.data, updated_at = excluded.updated_at
            WHERE excluded.version > {t}.version
            """);
        Bind(cmd, ("$key", key), ("$site", site), ("$course", courseId), ("$user", userId), ("$version", version),
            ("$deleted", deleted ? 1 : 0), ("$data", data), ("$now", Now()));
        if (cmd.ExecuteNonQuery() > 0) return WriteOutcome.Applied;

        var existing = Prepare($"SELECT version FROM {t} WHERE key = $key");
        Bind(existing, ("$key", key));
        return existing.ExecuteScalar() as string == version ? WriteOutcome.AlreadyApplied : WriteOutcome.Stale;
    }

    private SqliteCommand Prepare(string sql)
    {
        if (!_prepared.TryGetValue(sql, out var cmd))
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            _prepared[sql] = cmd;
        }

        return cmd;
    }

    private static void Bind(SqliteCommand cmd, params (string Name, object? Value)[] values)
    {
        cmd.Parameters.Clear();
        foreach (var (name, value) in values)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Dispose()
    {
        foreach (var cmd in _prepared.Values) cmd.Dispose();
        _prepared.Clear();
    }
}
