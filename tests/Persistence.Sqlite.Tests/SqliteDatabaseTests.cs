using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite.Tests;

/// <summary>The database lends open connections with prepared commands and takes them back.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task AReturnedSessionServesTheNextOperationWithItsPreparedCommand()
    {
        using var database = NewDatabase();
        var first = await database.OpenSessionAsync(CancellationToken.None);
        var command = first.Command("SELECT @x + 1");
        command.Parameters.AddWithValue("@x", 41L);
        Assert.Equal(42L, await command.ExecuteScalarAsync());
        await first.DisposeAsync();

        var second = await database.OpenSessionAsync(CancellationToken.None);
        Assert.Same(first, second);
        var again = second.Command("SELECT @x + 1");
        Assert.Same(command, again);
        Assert.Empty(again.Parameters); // parameters of the last operation are gone
        again.Parameters.AddWithValue("@x", 1L);
        Assert.Equal(2L, await again.ExecuteScalarAsync());
        await second.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentOperationsGetTheirOwnConnections()
    {
        using var database = NewDatabase();
        var a = await database.OpenSessionAsync(CancellationToken.None);
        var b = await database.OpenSessionAsync(CancellationToken.None);
        Assert.NotSame(a.Connection, b.Connection);
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    [Fact]
    public async Task ABrokenConnectionIsNotLentAgain()
    {
        using var database = NewDatabase();
        var session = await database.OpenSessionAsync(CancellationToken.None);
        session.Connection.Close();
        await session.DisposeAsync();
        var next = await database.OpenSessionAsync(CancellationToken.None);
        Assert.NotSame(session, next);
        Assert.Equal(1L, await next.Command("SELECT 1").ExecuteScalarAsync());
        await next.DisposeAsync();
    }

    [Fact]
    public async Task ConnectionsCarryTheBusyTimeoutAndNormalSync()
    {
        using var database = NewDatabase();
        var session = await database.OpenSessionAsync(CancellationToken.None);
        Assert.Equal(5000L, await session.Command("PRAGMA busy_timeout").ExecuteScalarAsync());
        Assert.Equal(1L, await session.Command("PRAGMA synchronous").ExecuteScalarAsync()); // 1 = NORMAL
        await session.DisposeAsync();
    }

    [Fact]
    public async Task DisposingTheDatabaseClosesIdleConnectionsAndRefusesNewSessions()
    {
        var database = NewDatabase();
        var session = await database.OpenSessionAsync(CancellationToken.None);
        await session.Command("CREATE TABLE t (x INTEGER)").ExecuteNonQueryAsync();
        var inUse = await database.OpenSessionAsync(CancellationToken.None);
        await session.DisposeAsync();
        database.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, session.Connection.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await database.OpenSessionAsync(CancellationToken.None));
        await inUse.DisposeAsync(); // returned after the database is gone: closed, not kept
        Assert.Equal(System.Data.ConnectionState.Closed, inUse.Connection.State);
        SqliteConnection.ClearAllPools();
        File.Delete(_folder.File("s.db")); // nothing holds the file any more
    }

    public void Dispose() => _folder.Dispose();

    private SqliteDatabase NewDatabase() => new($"Data Source={_folder.File("s.db")}", TimeSpan.FromSeconds(5));
}
