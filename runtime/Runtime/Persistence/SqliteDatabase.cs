using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// A SQLite file: pooled connections, WAL journal (readers never block the writer) with <c>synchronous = NORMAL</c>
/// (a commit is durable across a process crash; after an OS crash or power loss the last commits before the WAL
/// checkpoint may roll back, SQLite's documented WAL trade-off that avoids one fsync per commit), a busy timeout so
/// concurrent writers in one process queue on the file lock instead of failing. Every write the providers issue is a single
/// autocommit statement, so SQLite's write lock alone makes each conditional update or insert-if-absent atomic.
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
{
    private readonly string _connectionString;
    private readonly string _busyTimeoutPragma;

    /// <summary>Open connections with prepared commands, waiting for the next operation (at most <see cref="MaxIdleSessions"/>).</summary>
    private readonly ConcurrentBag<PreparedSqliteSession> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>How many idle open connections are kept; more concurrent operations open extra ones and close them after.</summary>
    private const int MaxIdleSessions = 16;

    public SqliteDatabase(string connectionString, TimeSpan busyTimeout)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Invalid SQLite connection string: {ex.Message}", nameof(connectionString), ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource)
            || builder.DataSource.Trim() == ":memory:"
            || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException(
                "The SQLite connection string must name a file (Data Source=path); use the memory provider for in-process state.",
                nameof(connectionString));
        }

        if (busyTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(busyTimeout), busyTimeout, "The busy timeout cannot be negative.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        builder.Pooling = true;
        var seconds = (int)Math.Ceiling(busyTimeout.TotalSeconds);
        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, seconds);
        _connectionString = builder.ToString();
        _busyTimeoutPragma = "PRAGMA busy_timeout = " +
            ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "; PRAGMA synchronous = NORMAL;";
    }

    public override string Invariant => AdoNetInvariants.Sqlite;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = _busyTimeoutPragma;
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask<SqlSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        var connection = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        return new PreparedSqliteSession(this, connection);
    }

    /// <summary>Takes a session back: kept for the next operation, or closed when the database is gone, the connection
    /// broke or enough sessions wait already.</summary>
    internal void Return(PreparedSqliteSession session)
    {
        if (!_disposed && session.IsUsable && Interlocked.Increment(ref _idleCount) <= MaxIdleSessions)
        {
            _idle.Add(session);
            if (!_disposed)
            {
                return;
            }

            // Disposed meanwhile: drain what may have been added after the drain in Dispose.
            CloseIdle();
            return;
        }

        if (!_disposed && session.IsUsable)
        {
            Interlocked.Decrement(ref _idleCount);
        }

        session.Close();
    }

    private void CloseIdle()
    {
        while (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Close();
        }
    }

    public override async Task ApplyScriptAsync(string script, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var wal = connection.CreateCommand())
        {
            // WAL is a property of the file: set once, it stays for every later connection.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL journal mode (got '{mode}').");
            }
        }

        await using var command = connection.CreateCommand();
        command.CommandText = script;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override void Dispose()
    {
        _disposed = true;
        CloseIdle();
        // Release pooled handles so the file can be moved or deleted once the provider is gone.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
