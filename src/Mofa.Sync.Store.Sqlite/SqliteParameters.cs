using Microsoft.Data.Sqlite;

namespace Mofa.Sync.Store.Sqlite;

/// <summary>
/// Binding values to a prepared command that is run again and again (the writer's statements):
/// the parameter objects are created on the first run and only their values change after, so a
/// write allocates none.
/// </summary>
internal static class SqliteParameters
{
    /// <summary>
    /// Sets the command's parameters: created on its first use, then only their values change
    /// (each command is always bound with the same names in the same order).
    /// </summary>
    public static void Bind(SqliteCommand cmd, params ReadOnlySpan<(string Name, object? Value)> values)
    {
        var parameters = cmd.Parameters;
        if (!HasNames(parameters, values))
        {
            parameters.Clear();
            foreach (var (name, _) in values) parameters.Add(new SqliteParameter { ParameterName = name });
        }

        for (var i = 0; i < values.Length; i++) parameters[i].Value = values[i].Value ?? DBNull.Value;
    }

    private static bool HasNames(SqliteParameterCollection parameters, ReadOnlySpan<(string Name, object? Value)> values)
    {
        if (parameters.Count != values.Length) return false;
        for (var i = 0; i < values.Length; i++)
        {
            if (parameters[i].ParameterName != values[i].Name) return false;
        }

        return true;
    }
}
