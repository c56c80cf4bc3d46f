using System.Net;
using System.Net.Http.Headers;
using Marketplace.Cluster.Tests.Support;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>
/// A PostgreSQL cluster keeps blob chunks in its database: a blob uploaded through one silo reads back byte-exact
/// through the others with no shared folder, a chunk row damaged in the database is reported and never served, and
/// an upload of the same bytes mends it.
/// </summary>
public sealed class ClusterBlobTests(ITestOutputHelper output) : IAsyncLifetime
{
    private SiloCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task A_blob_stored_through_one_silo_reads_back_through_the_others_from_the_database_and_a_damaged_row_is_never_served()
    {
        _cluster = await SiloCluster.StartAsync("blobs", 0);
        var first = _cluster.Start(cheap: true);
        var second = _cluster.Start(cheap: true);
        await Task.WhenAll(first.WaitReadyAsync(SiloCluster.StartBound), second.WaitReadyAsync(SiloCluster.StartBound));

        // Three and a half chunks of seeded bytes (chunks are 1 MiB).
        var seed = Environment.TickCount;
        output.WriteLine($"content seed {seed}");
        var content = new byte[3_500_000];
        new Random(seed).NextBytes(content);
        using var http = new HttpClient();
        string blobId;
        using (var upload = new HttpRequestMessage(HttpMethod.Post, new Uri(first.BaseAddress, "v1/blobs")) { Content = new ByteArrayContent(content) })
        {
            upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
            upload.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var stored = await http.SendAsync(upload);
            var body = await stored.Content.ReadAsStringAsync();
            Assert.True(stored.StatusCode == HttpStatusCode.Created, body);
            blobId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }

        Assert.Equal(content, await ReadAsync(http, second, blobId));
        Assert.Equal(content, await ReadAsync(http, first, blobId));

        // The bytes are rows of the database; no silo keeps a chunk folder.
        await using var connection = new NpgsqlConnection(_cluster.Database.ConnectionString);
        await connection.OpenAsync();
        await using (var count = new NpgsqlCommand("SELECT count(*), coalesce(sum(Size), 0) FROM MarketplaceBlobChunks", connection))
        await using (var reader = await count.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(4L, reader.GetInt64(0));
            Assert.Equal((long)content.Length, Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.All(_cluster.Silos, s => Assert.False(Directory.Exists(Path.Combine(s.DataFolder, "chunks")), $"{s.Name} made a chunk folder"));

        // One row damaged in place: every silo refuses to serve it, with the typed problem of a damaged blob
        // (blob_integrity, as for a damaged chunk file), never with wrong bytes.
        await using (var damage = new NpgsqlCommand("UPDATE MarketplaceBlobChunks SET Data = set_byte(Data, 9, (get_byte(Data, 9) + 1) % 256) WHERE Hash = (SELECT Hash FROM MarketplaceBlobChunks ORDER BY Hash LIMIT 1)", connection))
        {
            Assert.Equal(1, await damage.ExecuteNonQueryAsync());
        }

        foreach (var silo in new[] { first, second })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.BaseAddress, $"v1/blobs/{blobId}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var bytes = await ReadAllOrFailureAsync(response);
            Assert.NotEqual(content, bytes);
        }

        // The same bytes uploaded again replace the damaged row; the blob reads back whole.
        using (var again = new HttpRequestMessage(HttpMethod.Post, new Uri(second.BaseAddress, "v1/blobs")) { Content = new ByteArrayContent(content) })
        {
            again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
            again.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var stored = await http.SendAsync(again);
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        Assert.Equal(content, await ReadAsync(http, first, blobId));
    }

    private static async Task<byte[]> ReadAsync(HttpClient http, SiloProcess silo, string blobId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.BaseAddress, $"v1/blobs/{blobId}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{silo.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The body of a read that must not serve the damaged chunk: a problem answer when the damage is in the
    /// first chunk (read before the headers go out), else a body cut short where the damaged chunk begins; never the
    /// whole content.</summary>
    private static async Task<byte[]> ReadAllOrFailureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync();
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", problem);
            Assert.Contains("blob_integrity", problem, StringComparison.Ordinal);
            return System.Text.Encoding.UTF8.GetBytes(problem);
        }

        try
        {
            return await response.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }
}
