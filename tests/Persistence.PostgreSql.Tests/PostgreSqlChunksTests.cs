using System.Security.Cryptography;
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>Blob chunks as database rows: written once however many write them at once, read back exactly, a
/// missing or damaged row told apart, a damaged row mended by the next write of the same bytes; rows no blob references
/// swept after their grace, never one written again meanwhile.</summary>
public sealed class PostgreSqlChunksTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task A_chunk_written_by_many_at_once_is_one_row_read_back_exactly_and_a_damaged_row_is_mended_by_a_rewrite()
    {
        await using var database = await PostgresDatabase.CreateAsync("chunks");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        await using var chunks = new PostgreSqlChunks(database.ConnectionString);
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var data = new byte[300_001];
        new Random(seed).NextBytes(data);
        var hash = SHA256.HashData(data);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => chunks.WriteAsync(hash, data, DateTimeOffset.UtcNow, CancellationToken.None))));
        Assert.Equal(1L, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM MarketplaceBlobChunks"));
        Assert.Equal(data.Length, await chunks.SizeOfAsync(hash, CancellationToken.None));

        var read = new byte[data.Length];
        Assert.Equal(data.Length, await chunks.ReadAsync(hash, read, CancellationToken.None));
        Assert.Equal(data, read);

        // A shorter destination gets what fits and learns the stored length.
        var part = new byte[1000];
        Assert.Equal(data.Length, await chunks.ReadAsync(hash, part, CancellationToken.None));
        Assert.Equal(data.AsSpan(0, 1000).ToArray(), part);

        // Missing: -1 from both.
        var absent = SHA256.HashData("absent"u8);
        Assert.Equal(-1, await chunks.SizeOfAsync(absent, CancellationToken.None));
        Assert.Equal(-1, await chunks.ReadAsync(absent, new byte[10], CancellationToken.None));

        // Damaged in place: the bytes read no longer hash to the key; the next write of the same bytes replaces them.
        await ExecuteAsync(database.ConnectionString, "UPDATE MarketplaceBlobChunks SET Data = set_byte(Data, 4, (get_byte(Data, 4) + 1) % 256)");
        Assert.Equal(data.Length, await chunks.ReadAsync(hash, read, CancellationToken.None));
        Assert.NotEqual(hash, SHA256.HashData(read));
        await chunks.WriteAsync(hash, data, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(data.Length, await chunks.ReadAsync(hash, read, CancellationToken.None));
        Assert.Equal(data, read);
    }

    [PostgresFact]
    public async Task A_sweep_deletes_only_rows_no_blob_references_past_their_grace_and_never_one_written_again_meanwhile()
    {
        await using var database = await PostgresDatabase.CreateAsync("chunks");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        await using var chunks = new PostgreSqlChunks(database.ConnectionString);
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        byte[] Chunk()
        {
            var data = new byte[1000];
            random.NextBytes(data);
            return data;
        }

        var t0 = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var (held, loose, again) = (Chunk(), Chunk(), Chunk());
        foreach (var data in new[] { held, loose, again })
        {
            await chunks.WriteAsync(SHA256.HashData(data), data, t0, CancellationToken.None);
        }

        var blob = "blob" + new string('b', 64);
        await chunks.AddReferencesAsync(blob, [SHA256.HashData(held)], CancellationToken.None);
        await chunks.AddReferencesAsync(blob, [SHA256.HashData(held)], CancellationToken.None);
        await chunks.WriteAsync(SHA256.HashData(again), again, t0.AddHours(3), CancellationToken.None);
        await chunks.WriteAsync(SHA256.HashData(again), again, t0.AddHours(1), CancellationToken.None); // never back

        Assert.Equal((0, 0L), await chunks.SweepAsync(t0, 100, CancellationToken.None));
        Assert.Equal((1, 1000L), await chunks.SweepAsync(t0.AddHours(2), 100, CancellationToken.None));
        Assert.Equal(-1, await chunks.SizeOfAsync(SHA256.HashData(loose), CancellationToken.None));
        Assert.Equal(1000, await chunks.SizeOfAsync(SHA256.HashData(held), CancellationToken.None));
        Assert.Equal(1000, await chunks.SizeOfAsync(SHA256.HashData(again), CancellationToken.None));

        await chunks.RemoveReferencesAsync(blob, [SHA256.HashData(held)], CancellationToken.None);
        Assert.Equal((2, 2000L), await chunks.SweepAsync(t0.AddHours(4), 100, CancellationToken.None));
        Assert.Equal(0L, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM MarketplaceBlobChunks"));

        // Rows past their grace swept while every one of them is written again at once: none is lost.
        var many = Enumerable.Range(0, 300).Select(_ => Chunk()).ToArray();
        foreach (var data in many)
        {
            await chunks.WriteAsync(SHA256.HashData(data), data, t0, CancellationToken.None);
        }

        var sweeps = Enumerable.Range(0, 3).Select(_ => Task.Run(() => chunks.SweepAsync(t0.AddHours(1), 50, CancellationToken.None))).ToArray();
        await Task.WhenAll(many.Select(data => Task.Run(() => chunks.WriteAsync(SHA256.HashData(data), data, t0.AddHours(5), CancellationToken.None))));
        var swept = 0;
        foreach (var sweep in sweeps)
        {
            swept += (await sweep).Chunks;
        }

        output.WriteLine($"the sweeps deleted {swept} of {many.Length} rows while they were written again");
        var read = new byte[1000];
        foreach (var data in many)
        {
            Assert.Equal(1000, await chunks.ReadAsync(SHA256.HashData(data), read, CancellationToken.None));
            Assert.Equal(data, read);
        }
    }

    [PostgresFact]
    public async Task Rows_stored_before_references_existed_are_pinned_once_and_never_swept()
    {
        await using var database = await PostgresDatabase.CreateAsync("chunks");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        await using var chunks = new PostgreSqlChunks(database.ConnectionString);
        var old = RandomNumberGenerator.GetBytes(500);
        await chunks.WriteAsync(SHA256.HashData(old), old, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);

        // A database from before references: no reference table. Applying the schema gives every row its pin.
        await ExecuteAsync(database.ConnectionString, "DROP TABLE MarketplaceBlobChunkRefs");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        Assert.Equal(1L, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM MarketplaceBlobChunkRefs WHERE BlobId = 'before-collection'"));

        var fresh = RandomNumberGenerator.GetBytes(500);
        await chunks.WriteAsync(SHA256.HashData(fresh), fresh, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);
        Assert.Equal((1, 500L), await chunks.SweepAsync(DateTimeOffset.UtcNow.AddDays(365), 100, CancellationToken.None));
        Assert.Equal(500, await chunks.SizeOfAsync(SHA256.HashData(old), CancellationToken.None));
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
