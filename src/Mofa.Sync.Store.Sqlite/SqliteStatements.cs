using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// Statements run again and again on one connection (the notification records, mostly on the mirror
/// writer's one long-lived connection): each SQL text's command is kept for the connection's
/// lifetime, since SQLite compiles a statement once per command.
/// </summary>
internal static class SqliteStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> PreparedByConnection = new();

    public static object? Scalar(SqliteConnection tx, string sql, params (string Name, object? Value)[] values) =>
        Prepared(tx, sql, values).ExecuteScalar();

    public static int Execute(SqliteConnection tx, string sql, params (string Name, object? Value)[] values) =>
        Prepared(tx, sql, values).ExecuteNonQuery();

    /// <summary>A command run once (a read whose rows are wanted), bound to <paramref name="values"/>; the caller disposes it.</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] values)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    /// <summary>The connection's command for this SQL, bound to <paramref name="values"/>.</summary>
    private static SqliteCommand Prepared(SqliteConnection connection, string sql, (string Name, object? Value)[] values)
    {
        var commands = PreparedByConnection.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var cmd))
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            commands[sql] = cmd;
        }

        SqliteParameters.Bind(cmd, values);
        return cmd;
    }
}
