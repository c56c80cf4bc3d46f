using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>Deals larger than the silo's transfer buffer budget, streamed in and out over HTTP: byte-exact round trips
/// within the budget, range reads that touch only their stripes, repair of a large deal, and the blob API reading a
/// deal transparently for its client only.</summary>
public sealed class StorageStreamingApiTests(ITestOutputHelper output)
{
    private const long Budget = 2L * 1024 * 1024;

    private static Dictionary<string, string?> Settings(int providers)
    {
        var settings = StorageTestSettings.Providers(providers);
        settings["Marketplace:Storage:MaxDealBytes"] = (256L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Marketplace:Storage:TransferBufferBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    private byte[] Content(int length) => StorageTestSettings.SeededContent(output, length);

    private static async Task<DealStatus> StoreAsync(HttpClient client, string dealId, byte[] content)
    {
        // A stream body (not a byte array) so the request is sent as it is read, with its Content-Length.
        using var body = new StreamContent(new MemoryStream(content, writable: false), 64 * 1024);
        body.Headers.ContentLength = content.Length;
        var created = await client.PostAsync($"v1/deals?preset=dev&deal_id={dealId}", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
    }

    private static async Task<byte[]> GetAsync(HttpClient client, string path, RangeHeaderValue? range = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = range;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var copy = new MemoryStream();
        await (await response.Content.ReadAsStreamAsync()).CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_blob_eight_times_the_buffer_budget_streams_in_and_out_byte_exact_and_its_repair_stays_within_the_budget()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings(8));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var meter = silo.App.Services.GetRequiredService<StorageBufferMeter>();
        var content = Content((int)(8 * Budget) + 12_345);

        meter.Reset();
        var deal = await StoreAsync(alice, "big", content);
        Assert.Equal(DealState.Active, deal.State);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), deal.ContentSha256);
        var afterStore = meter.PeakBytes;

        meter.Reset();
        Assert.Equal(content, await GetAsync(alice, "v1/deals/big/content"));
        var afterRead = meter.PeakBytes;
        output.WriteLine($"blob {content.Length} bytes, budget {Budget}: peak held {afterStore} storing, {afterRead} reading");
        Assert.InRange(afterStore, 1, Budget);
        Assert.InRange(afterRead, 1, Budget);

        // A data and a parity provider lose the deal; the audit repairs it onto the spare providers, streaming.
        foreach (var index in new[] { 1, 4 })
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", deal.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "big")), recursive: true);
        }

        meter.Reset();
        var audited = (await (await alice.PostAsync("v1/deals/big/audit", null)).Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        Assert.Equal(DealState.Active, audited.State);
        Assert.All(audited.Fragments, f => Assert.Equal(FragmentHealth.Healthy, f.Health));
        Assert.InRange(meter.PeakBytes, 1, Budget);

        // The two rebuilt fragments are needed now: two original survivors lose theirs too.
        foreach (var index in new[] { 0, 5 })
        {
            Directory.Delete(Path.Combine(silo.DataFolder, "providers", audited.Fragments[index].ProviderId, StorageTestSettings.DealId("alice", "big")), recursive: true);
        }

        Assert.Equal(content, await GetAsync(alice, "v1/deals/big/content"));
        // The silo gives the transfer's buffers back when it disposes the stream, which may come just after the
        // client has the last byte: wait for that release (a buffer never given back fails the wait).
        await meter.WhenReleasedAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, meter.HeldBytes);
    }

    [Fact]
    public async Task A_range_read_fetches_only_its_stripes_and_garbage_in_every_fragment_is_never_decoded()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = Content(6 * 1024 * 1024);
        var deal = await StoreAsync(alice, "ranged", content);

        // The first chunk of every fragment turns to garbage: no k fragments can give stripe 0 any more.
        var random = new Random(11);
        foreach (var fragment in deal.Fragments)
        {
            var path = Path.Combine(silo.DataFolder, "providers", fragment.ProviderId, StorageTestSettings.DealId("alice", "ranged"), $"{fragment.Index}.frag");
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            var garbage = new byte[deal.ChunkSize];
            random.NextBytes(garbage);
            await file.WriteAsync(garbage);
        }

        // A range in the last stripes never asks for stripe 0, so it reads back exactly.
        var from = content.Length - 1_000_000;
        Assert.Equal(content[from..], await GetAsync(alice, "v1/deals/ranged/content", new RangeHeaderValue(from, null)));

        // A read of the first stripe finds no verified chunks and says so before any byte is sent.
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/deals/ranged/content");
        request.Headers.Range = new RangeHeaderValue(0, 99);
        var refused = await alice.SendAsync(request);
        await ProblemAssert.IsProblemAsync(refused, 503, StorageUnavailableException.ErrorCode);
    }

    [Fact]
    public async Task The_blob_api_reads_a_deal_by_its_blob_id_for_its_client_only_with_ranges_and_validators()
    {
        await using var silo = await ApiTestSilo.StartAsync(Settings(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);
        var content = Content(3 * 1024 * 1024 + 17);
        var deal = await StoreAsync(alice, "as-blob", content);

        // The blob id is the blob layer's: the Merkle root of the 1 MiB chunks' SHA-256.
        var chunkHashes = content.Chunk(1024 * 1024).Select(c => BlobMerkle.HashChunk(c)).ToList();
        Assert.Equal(BlobMerkle.ComputeBlobId(chunkHashes), deal.BlobId);

        using (var response = await alice.GetAsync($"v1/blobs/{deal.BlobId}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"\"{deal.BlobId}\"", response.Headers.ETag?.Tag);
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(content[1_500_000..1_500_100], await GetAsync(alice, $"v1/blobs/{deal.BlobId}", new RangeHeaderValue(1_500_000, 1_500_099)));

        using (var head = await alice.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v1/blobs/{deal.BlobId}")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(content.Length, head.Content.Headers.ContentLength);
        }

        using (var conditional = new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{deal.BlobId}"))
        {
            conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{deal.BlobId}\""));
            Assert.Equal(HttpStatusCode.NotModified, (await alice.SendAsync(conditional)).StatusCode);
        }

        // The SDK's blob download reads it the same way.
        using var sdk = silo.NewClient();
        using var downloaded = new MemoryStream();
        await sdk.DownloadBlobAsync(deal.BlobId, downloaded);
        Assert.Equal(content, downloaded.ToArray());

        // Another client cannot tell it from a blob that does not exist.
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{deal.BlobId}"), 404, "blob_not_found");
    }
}
