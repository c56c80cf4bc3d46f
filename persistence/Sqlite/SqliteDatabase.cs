// Design note. One SqliteDatabase per provider instance (a grain storage name, or the reminder table); several may
// point at one file. Connections are opened with WAL already set on the file, a busy timeout so writers from other
// processes queue on the file lock instead of failing, and synchronous = NORMAL; writers of this process take turns on
// the file first (SqliteWriteTurns), so they never meet the busy handler's sleeps. Open connections wait in a small idle
// bag with their prepared commands (PreparedSqliteSession); an operation borrows one and gives it back. Every write
// the providers issue is a single autocommit statement, so SQLite's write lock alone makes each conditional update or
// insert-if-absent atomic: no explicit transactions (the turn only orders the writers; it is not what makes them atomic).
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// A SQLite file used by one provider: pooled open connections with prepared commands, WAL journal (readers never
/// block the writer) with <c>synchronous = NORMAL</c> (a commit survives a process crash; after an OS crash or power
/// loss the last commits before the WAL checkpoint may roll back, SQLite's documented WAL trade-off that avoids one
/// fsync per commit), and a busy timeout.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>How many idle open connections are kept; more concurrent operations open extra ones and close them after.</summary>
    private const int MaxIdleSessions = 16;

    private readonly string _connectionString;
    private readonly string _connectionPragmas;

    /// <summary>Open connections with prepared commands, waiting for the next operation (at most <see cref="MaxIdleSessions"/>).</summary>
    private readonly ConcurrentBag<PreparedSqliteSession> _idle = [];
    private int _idleCount;

    /// <summary>The file's turn for this process's writers (<see cref="SqliteWriteTurns"/>).</summary>
    private readonly SemaphoreSlim _writeTurn;
    private volatile bool _disposed;

    /// <summary>Creates the database; throws <see cref="ArgumentException"/> for a connection string that names no file.</summary>
    public SqliteDatabase(string connectionString, TimeSpan busyTimeout)
    {
        var builder = SqliteConnectionStrings.Parse(connectionString);
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        builder.Pooling = true;
        var seconds = (int)Math.Ceiling(busyTimeout.TotalSeconds);
        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, seconds);
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        _writeTurn = SqliteWriteTurns.For(builder.DataSource);
        _connectionPragmas = "PRAGMA busy_timeout = " +
            ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "; PRAGMA synchronous = NORMAL;";
    }

    /// <summary>The file name from the connection string (for logs and errors; holds no secret).</summary>
    public string DataSource { get; }

    /// <summary>Lends an open connection with its prepared commands to one operation; dispose the session when done.</summary>
    public async ValueTask<PreparedSqliteSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        return new PreparedSqliteSession(this, await OpenAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Lends a session to one write once it is this process's turn to write to the file (after the write
    /// before it ends); disposing the session ends the turn.</summary>
    public async ValueTask<PreparedSqliteSession> OpenWriteSessionAsync(CancellationToken cancellationToken)
    {
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var session = await OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            session.HoldTurn(_writeTurn);
            return session;
        }
        catch
        {
            _writeTurn.Release();
            throw;
        }
    }

    /// <summary>Takes a session back: kept for the next operation, or closed when the database is gone, the connection
    /// broke or enough sessions wait already.</summary>
    internal void Return(PreparedSqliteSession session)
    {
        if (!_disposed && session.IsUsable && Interlocked.Increment(ref _idleCount) <= MaxIdleSessions)
        {
            _idle.Add(session);
            if (_disposed)
            {
                // Disposed meanwhile: drain what may have been added after the drain in Dispose.
                CloseIdle();
            }

            return;
        }

        if (!_disposed && session.IsUsable)
        {
            Interlocked.Decrement(ref _idleCount);
        }

        session.Close();
    }

    /// <summary>Sets WAL on the file and runs a schema script on a connection of its own.</summary>
    public async Task ApplyScriptAsync(string script, CancellationToken cancellationToken)
    {
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyScriptInTurnAsync(script, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    private async Task ApplyScriptInTurnAsync(string script, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var wal = connection.CreateCommand())
        {
            // WAL is a property of the file: set once, it stays for every later connection.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL journal mode on '{DataSource}' (got '{mode}').");
            }
        }

        await using var command = connection.CreateCommand();
        command.CommandText = script;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the idle connections (the silo is stopping); later operations open new ones.</summary>
    public void CloseIdle()
    {
        while (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Close();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        CloseIdle();

        // Release pooled handles so the file can be moved or deleted once the provider is gone.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = _connectionPragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
