using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>A silo's chunk store and request nonces take their connections from the one pool its connection string
/// names, the pool Orleans' providers and the grain directory use, so the pool's cap is the silo's whole share of the
/// server's connection limit.</summary>
public sealed class PostgreSqlConnectionPoolTests
{
    [PostgresFact]
    public async Task The_chunk_store_and_the_nonces_wait_for_the_connection_that_orleans_holds()
    {
        await using var database = await PostgresDatabase.CreateAsync("pool");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);

        // A pool of one connection (its own, by Application Name), taking at most a second to hand one out.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            MaxPoolSize = 1,
            Timeout = 1,
            ApplicationName = "pool-" + Guid.NewGuid().ToString("N")[..8],
        }.ConnectionString;
        await using var chunks = new PostgreSqlChunks(connectionString);
        await using var nonces = new PostgreSqlRequestNonces(connectionString);
        var hash = new byte[32];
        var now = DateTimeOffset.UtcNow;

        // Held as Orleans' providers hold theirs: with the same string, through the same defaults.
        await using (var held = await PostgreSqlConnections.OpenAsync(PostgreSqlConnectionDefaults.Apply(connectionString), CancellationToken.None))
        {
            var chunkWait = await Assert.ThrowsAsync<NpgsqlException>(() => chunks.SizeOfAsync(hash, CancellationToken.None));
            Assert.Contains("pool", chunkWait.Message, StringComparison.OrdinalIgnoreCase);
            var nonceWait = await Assert.ThrowsAsync<NpgsqlException>(() => nonces.TryRecordAsync("key", "nonce-1", now, now.AddMinutes(5), CancellationToken.None));
            Assert.Contains("pool", nonceWait.Message, StringComparison.OrdinalIgnoreCase);
        }

        // Given back, the same connection serves both.
        Assert.Equal(-1, await chunks.SizeOfAsync(hash, CancellationToken.None));
        Assert.True(await nonces.TryRecordAsync("key", "nonce-1", now, now.AddMinutes(5), CancellationToken.None));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{new NpgsqlConnectionStringBuilder(connectionString).ApplicationName}'"));
    }
}
