using Microsoft.Data.Sqlite;
using Mofa.Sync.Mirror;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>One table per collection, all of the same shape; created idempotently.</summary>
internal static class SqliteSchema
{
    public static string Table(MirrorCollection c) => MirrorCollectionNames.NameOf(c);

    public static void Create(SqliteConnection connection)
    {
        foreach (var c in MirrorCollectionNames.All)
        {
            var t = Table(c);
            Exec(connection, $"""
                CREATE TABLE IF NOT EXISTS {t} (
                    key         TEXT    NOT NULL PRIMARY KEY,
                    site        TEXT    NOT NULL,
                    course_id   INTEGER NULL,
                    user_id     INTEGER NULL,
                    version     TEXT    NOT NULL,   -- EventVersion of the last event applied
                    deleted     INTEGER NOT NULL DEFAULT 0,
                    placeholder INTEGER NOT NULL DEFAULT 0,
                    data        TEXT    NULL,       -- JSON of the collection's fields
                    updated_at  INTEGER NOT NULL    -- unix milliseconds
                ) WITHOUT ROWID;
                -- Partial: a module has no user and a profile no course; an index entry for them is only written, never read.
                CREATE INDEX IF NOT EXISTS ix_{t}_by_course ON {t}(site, course_id) WHERE course_id IS NOT NULL;
                CREATE INDEX IF NOT EXISTS ix_{t}_by_user ON {t}(site, user_id) WHERE user_id IS NOT NULL;
                DROP INDEX IF EXISTS ix_{t}_course;
                DROP INDEX IF EXISTS ix_{t}_user;
                """);
        }
    }

    public static void Exec(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
