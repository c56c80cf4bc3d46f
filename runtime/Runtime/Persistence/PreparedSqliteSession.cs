using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// A SQLite connection kept open between operations with its commands, so each SQL text is parsed and planned once
/// per connection instead of once per operation (compiling a statement costs more than running these small ones).
/// </summary>
internal sealed class PreparedSqliteSession : SqlSession
{
    private readonly SqliteDatabase _owner;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public PreparedSqliteSession(SqliteDatabase owner, SqliteConnection connection)
    {
        _owner = owner;
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>True while the connection can serve another operation.</summary>
    public bool IsUsable => Connection.State == ConnectionState.Open;

    public override DbCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    public override ValueTask DisposeAsync()
    {
        _owner.Return(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the commands and the connection for good.</summary>
    public void Close()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
