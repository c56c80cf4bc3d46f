using Marketplace.Runtime.Persistence;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Marketplace.Runtime.Tests.Persistence;

/// <summary>The SQLite database lends open connections with prepared commands and takes them back.</summary>
public sealed class SqliteSessionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mkt-sessions-").FullName;

    private SqliteDatabase NewDatabase() => new($"Data Source={Path.Combine(_folder, "s.db")}", TimeSpan.FromSeconds(5));

    [Fact]
    public async Task AReturnedSessionServesTheNextOperationWithItsPreparedCommand()
    {
        using var database = NewDatabase();
        var first = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        var command = first.Command("SELECT @x + 1");
        SqlDatabase.AddParameter(command, "x", 41L);
        Assert.Equal(42L, await command.ExecuteScalarAsync());
        await first.DisposeAsync();

        var second = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        Assert.Same(first, second);
        var again = second.Command("SELECT @x + 1");
        Assert.Same(command, again);
        Assert.Empty(again.Parameters); // parameters of the last operation are gone
        SqlDatabase.AddParameter(again, "x", 1L);
        Assert.Equal(2L, await again.ExecuteScalarAsync());
        await second.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentOperationsGetTheirOwnConnections()
    {
        using var database = NewDatabase();
        var a = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        var b = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        Assert.NotSame(a.Connection, b.Connection);
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    [Fact]
    public async Task ABrokenConnectionIsNotLentAgain()
    {
        using var database = NewDatabase();
        var session = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        session.Connection.Close();
        await session.DisposeAsync();
        var next = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        Assert.NotSame(session, next);
        Assert.Equal(1L, await next.Command("SELECT 1").ExecuteScalarAsync());
        await next.DisposeAsync();
    }

    [Fact]
    public async Task DisposingTheDatabaseClosesIdleConnectionsAndRefusesNewSessions()
    {
        var database = NewDatabase();
        var session = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        await session.Command("CREATE TABLE t (x INTEGER)").ExecuteNonQueryAsync();
        var inUse = (PreparedSqliteSession)await database.OpenSessionAsync(CancellationToken.None);
        await session.DisposeAsync();
        database.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, session.Connection.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await database.OpenSessionAsync(CancellationToken.None));
        await inUse.DisposeAsync(); // returned after the database is gone: closed, not kept
        Assert.Equal(System.Data.ConnectionState.Closed, inUse.Connection.State);
        SqliteConnection.ClearAllPools();
        File.Delete(Path.Combine(_folder, "s.db")); // nothing holds the file any more
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
