using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Sdk;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>The stored-bytes quota and giving a blob up over HTTP and the sdk's HTTP client, each test on a silo of its
/// own where alice may store <see cref="Quota"/> bytes: 429 <c>quota_exceeded</c> problems, <c>GET /v1/client/storage</c>,
/// <c>DELETE /v1/blobs/{id}</c>.</summary>
public sealed class BlobQuotaApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MiB = 1 << 20;
    private const long Quota = 3L * MiB;
    private ApiTestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:StoredBytesPerClient:alice"] = Quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task An_upload_past_the_quota_answers_429_quota_exceeded_and_leaves_the_usage_as_it_was()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var kept = RandomBytes(2 * MiB);
        var keptId = await UploadAsync(alice, new ByteArrayContent(kept));
        Assert.Equal((2L * MiB, Quota, 1, 10_000), await ClientAsync(alice));

        // A declared length past the room is refused before the body is read; a chunked body as soon as its count passes
        // it; a small one that passes the early check is refused when the blob would make alice its owner.
        using (var declared = await alice.PostAsync("v1/blobs", new ByteArrayContent(RandomBytes((2 * MiB) + 1))))
        {
            var problem = await ProblemAssert.IsProblemAsync(declared, 429, "quota_exceeded");
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains("2,097,152 bytes", detail, StringComparison.Ordinal);
            Assert.Contains("3,145,728", detail, StringComparison.Ordinal);
        }

        using (var chunked = await alice.PostAsync("v1/blobs", new StreamContent(new UnknownLength(RandomBytes(4 * MiB)))))
        {
            await ProblemAssert.IsProblemAsync(chunked, 429, "quota_exceeded");
        }

        var small = RandomBytes((3 * MiB) / 2);
        using (var charged = await alice.PostAsync("v1/blobs", new ByteArrayContent(small)))
        {
            var problem = await ProblemAssert.IsProblemAsync(charged, 429, "quota_exceeded");
            Assert.Contains("would pass its limit of 3,145,728", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        }

        Assert.Equal((2L * MiB, Quota, 1, 10_000), await ClientAsync(alice));

        // The refused bytes are not alice's: bob uploads them and is their only owner.
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var smallId = await UploadAsync(bob, new ByteArrayContent(small));
        using var access = await bob.GetAsync($"v1/blobs/{smallId}/access");
        Assert.Equal(1, (await access.Content.ReadFromJsonAsync<BlobAccessList>(MarketplaceJson.Options))!.OwnerCount);
        using (var notHers = await alice.GetAsync($"v1/blobs/{smallId}/manifest"))
        {
            await ProblemAssert.IsProblemAsync(notHers, 404, "blob_not_found");
        }

        // Bytes alice owns are free to upload again, at her quota or not; the sdk's client sees the same usage and error.
        Assert.Equal(keptId, await UploadAsync(alice, new ByteArrayContent(kept)));
        Assert.Equal(keptId, await UploadAsync(alice, new StreamContent(new UnknownLength(kept))));
        using var sdk = _silo.NewClient(ApiTestSilo.AliceKey);
        var storage = await sdk.GetStorageAsync();
        Assert.Equal(("alice", 2L * MiB, Quota, 1), (storage.ClientId, storage.StoredBytes, storage.MaxStoredBytes, storage.BlobCount));
        var typed = await Assert.ThrowsAsync<QuotaExceededException>(() => sdk.UploadBlobAsync(new MemoryStream(small)));
        Assert.Equal("quota_exceeded", typed.Code);
    }

    [Fact]
    public async Task Delete_answers_204_releases_the_usage_and_only_owners_may_delete()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var first = await UploadAsync(alice, new ByteArrayContent(RandomBytes(2 * MiB)));
        var next = RandomBytes(2 * MiB);
        using (var refused = await alice.PostAsync("v1/blobs", new ByteArrayContent(next)))
        {
            await ProblemAssert.IsProblemAsync(refused, 429, "quota_exceeded");
        }

        // Bob reads the blob (shared, then public) and may not give it up: the answer of a blob that is not stored.
        (await alice.PostAsync($"v1/blobs/{first}/share", new StringContent("{\"client_id\": \"bob\"}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await alice.PostAsync($"v1/blobs/{first}/publish", null)).EnsureSuccessStatusCode();
        using (var notOwner = await bob.DeleteAsync($"v1/blobs/{first}"))
        {
            await ProblemAssert.IsProblemAsync(notOwner, 404, "blob_not_found");
        }

        using (var deleted = await alice.DeleteAsync($"v1/blobs/{first}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal((0L, Quota, 0, 10_000), await ClientAsync(alice));
        await UploadAsync(alice, new ByteArrayContent(next));
        Assert.Equal((2L * MiB, Quota, 1, 10_000), await ClientAsync(alice));

        // Its only owner gone, the blob is gone for everyone; a second delete is 404 as for any missing blob.
        foreach (var (client, path) in new[] { (alice, $"v1/blobs/{first}"), (bob, $"v1/blobs/{first}/manifest"), (alice, $"v1/blobs/{first}/access") })
        {
            using var gone = await client.GetAsync(path);
            await ProblemAssert.IsProblemAsync(gone, 404, "blob_not_found");
        }

        using (var again = await alice.DeleteAsync($"v1/blobs/{first}"))
        {
            await ProblemAssert.IsProblemAsync(again, 404, "blob_not_found");
        }

        using (var malformed = await alice.DeleteAsync("v1/blobs/blob123"))
        {
            await ProblemAssert.IsProblemAsync(malformed, 400, "invalid_request");
        }

        // The sdk's client: the same delete, the same typed error after it.
        using var sdk = _silo.NewClient(ApiTestSilo.BobKey);
        var bobs = await sdk.UploadBlobAsync(new MemoryStream(RandomBytes(5000)));
        Assert.Equal(5000, (await sdk.GetStorageAsync()).StoredBytes);
        await sdk.DeleteBlobAsync(bobs.Id);
        Assert.Equal(0, (await sdk.GetStorageAsync()).StoredBytes);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => sdk.DeleteBlobAsync(bobs.Id));
    }

    [Fact]
    public async Task A_jobs_output_given_up_by_its_only_owner_answers_404_through_the_job()
    {
        using var sdk = _silo.NewClient(ApiTestSilo.AliceKey);
        var name = "quota-echo-" + Guid.NewGuid().ToString("N")[..8];
        await sdk.DeployProgramAsync(SamplePrograms.Echo(name));
        var job = await sdk.SubmitJobAsync(new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes("counted output") });
        job = await sdk.WaitForJobAsync(job.JobId, TimeSpan.FromSeconds(120));
        Assert.True(job.Status == JobStatus.Completed, job.ErrorMessage);
        Assert.Equal((14L, 1), await UsageAsync(sdk));

        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        Assert.Equal("COUNTED OUTPUT", await alice.GetStringAsync($"v1/jobs/{job.JobId}/output"));
        using (var deleted = await alice.DeleteAsync($"v1/blobs/{job.OutputBlobId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal((0L, 0), await UsageAsync(sdk));
        using var output = await alice.GetAsync($"v1/jobs/{job.JobId}/output");
        await ProblemAssert.IsProblemAsync(output, 404, "blob_not_found");
    }

    private static async Task<(long Bytes, int Blobs)> UsageAsync(HttpMarketplaceClient client)
    {
        var storage = await client.GetStorageAsync();
        return (storage.StoredBytes, storage.BlobCount);
    }

    private static async Task<(long Stored, long Max, int Blobs, int MaxBlobs)> ClientAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("v1/client/storage"));
        var body = document.RootElement;
        Assert.Equal("alice", body.GetProperty("client_id").GetString());
        return (body.GetProperty("stored_bytes").GetInt64(), body.GetProperty("max_stored_bytes").GetInt64(),
            body.GetProperty("blob_count").GetInt32(), body.GetProperty("max_blobs").GetInt32());
    }

    private static async Task<string> UploadAsync(HttpClient http, HttpContent content)
    {
        using var response = await http.PostAsync("v1/blobs", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!.Id;
    }

    private byte[] RandomBytes(int size)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}, {size} bytes");
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A body of unknown length, so the request is sent chunked without a Content-Length.</summary>
    private sealed class UnknownLength(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }
}
