using System.Data.Common;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// One open connection lent to one storage operation. <see cref="Command"/> hands out a command for a SQL text with
/// no parameters; the session owns it (do not dispose it), and a vendor may keep it prepared for the next operation
/// that uses the same text. Disposing the session gives the connection back.
/// </summary>
internal abstract class SqlSession : IAsyncDisposable
{
    /// <summary>A command for <paramref name="sql"/> on this session's connection, with an empty parameter list.</summary>
    public abstract DbCommand Command(string sql);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}

/// <summary>A session over a connection of its own: commands are created per operation and everything is disposed
/// at the end (PostgreSQL, whose driver pools connections and prepares statements itself).</summary>
internal sealed class OwnedConnectionSession(DbConnection connection) : SqlSession
{
    private readonly List<DbCommand> _commands = [];

    public override DbCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        _commands.Add(command);
        return command;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var command in _commands)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
