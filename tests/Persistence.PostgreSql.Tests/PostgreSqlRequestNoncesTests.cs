using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>The cluster's record of signed-request nonces on a real PostgreSQL: one record per pair within its life,
/// wherever it is recorded from, and expired rows reused and swept.</summary>
public sealed class PostgreSqlRequestNoncesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Life = TimeSpan.FromMinutes(10);

    [PostgresFact]
    public async Task A_pair_is_recorded_once_until_it_expires_and_then_again()
    {
        await using var database = await PostgresDatabase.CreateAsync("nonces");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        await using var silo1 = new PostgreSqlRequestNonces(database.ConnectionString);
        await using var silo2 = new PostgreSqlRequestNonces(database.ConnectionString);

        Assert.True(await silo1.TryRecordAsync("alice-k1", "nonce-0000000000000001", Now, Now + Life, CancellationToken.None));
        Assert.False(await silo2.TryRecordAsync("alice-k1", "nonce-0000000000000001", Now + TimeSpan.FromMinutes(1), Now + Life, CancellationToken.None));
        Assert.False(await silo1.TryRecordAsync("alice-k1", "nonce-0000000000000001", Now + Life - TimeSpan.FromSeconds(1), Now + Life + Life, CancellationToken.None));

        // The same nonce under another key is another pair.
        Assert.True(await silo2.TryRecordAsync("bob-k1", "nonce-0000000000000001", Now, Now + Life, CancellationToken.None));

        // Past its expiry the pair may be recorded anew, once.
        var later = Now + Life;
        Assert.True(await silo2.TryRecordAsync("alice-k1", "nonce-0000000000000001", later, later + Life, CancellationToken.None));
        Assert.False(await silo1.TryRecordAsync("alice-k1", "nonce-0000000000000001", later, later + Life, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Of_many_silos_recording_one_pair_at_the_same_moment_exactly_one_succeeds()
    {
        await using var database = await PostgresDatabase.CreateAsync("nonces_race");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        var silos = Enumerable.Range(0, 4).Select(_ => new PostgreSqlRequestNonces(database.ConnectionString)).ToList();
        try
        {
            for (var round = 0; round < 20; round++)
            {
                var nonce = $"nonce-race-{round:D12}";
                var results = await Task.WhenAll(silos.SelectMany(s => Enumerable.Range(0, 3).Select(_ =>
                    Task.Run(() => s.TryRecordAsync("alice-k1", nonce, Now, Now + Life, CancellationToken.None)))));
                Assert.Equal(1, results.Count(recorded => recorded));
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task Expired_rows_are_deleted_and_live_ones_kept()
    {
        await using var database = await PostgresDatabase.CreateAsync("nonces_sweep");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        await using var nonces = new PostgreSqlRequestNonces(database.ConnectionString);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await nonces.TryRecordAsync("k", $"nonce-old-{i:D10}", Now, Now + TimeSpan.FromMinutes(1), CancellationToken.None));
            Assert.True(await nonces.TryRecordAsync("k", $"nonce-new-{i:D10}", Now, Now + Life, CancellationToken.None));
        }

        Assert.Equal(5, await nonces.DeleteExpiredAsync(Now + TimeSpan.FromMinutes(2), CancellationToken.None));
        Assert.Equal(5L, await database.ScalarAsync<long>("SELECT count(*) FROM MarketplaceRequestNonces"));
        Assert.False(await nonces.TryRecordAsync("k", "nonce-new-0000000000", Now + TimeSpan.FromMinutes(2), Now + Life, CancellationToken.None));
    }
}
