using System.Security.Cryptography;
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>Blob chunks as database rows: written once however many write them at once, read back exactly, a
/// missing or damaged row told apart, a damaged row mended by the next write of the same bytes.</summary>
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

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => chunks.WriteAsync(hash, data, CancellationToken.None))));
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
        await chunks.WriteAsync(hash, data, CancellationToken.None);
        Assert.Equal(data.Length, await chunks.ReadAsync(hash, read, CancellationToken.None));
        Assert.Equal(data, read);
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
