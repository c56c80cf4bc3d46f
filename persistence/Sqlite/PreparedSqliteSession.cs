using System.Data;
using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// A SQLite connection kept open between operations with its commands, so each SQL text is parsed and planned once
/// per connection instead of once per operation (compiling a statement costs more than running these small ones).
/// One operation uses a session at a time; disposing it gives it back to its <see cref="SqliteDatabase"/>.
/// </summary>
internal sealed class PreparedSqliteSession : IAsyncDisposable
{
    private readonly SqliteDatabase _owner;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SemaphoreSlim? _writeTurn;

    public PreparedSqliteSession(SqliteDatabase owner, SqliteConnection connection)
    {
        _owner = owner;
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>True while the connection can serve another operation.</summary>
    public bool IsUsable => Connection.State == ConnectionState.Open;

    /// <summary>
    /// The command for <paramref name="sql"/> on this connection with an empty parameter list. The session owns it
    /// (do not dispose it) and keeps it prepared for the next operation that uses the same text.
    /// </summary>
    public SqliteCommand Command(string sql)
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

    /// <summary>Makes this session hold its file's write turn until it is disposed.</summary>
    internal void HoldTurn(SemaphoreSlim writeTurn) => _writeTurn = writeTurn;

    public ValueTask DisposeAsync()
    {
        var turn = _writeTurn;
        _writeTurn = null;
        _owner.Return(this);
        turn?.Release();
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
