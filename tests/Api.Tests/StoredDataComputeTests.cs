using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>Where the storage market meets compute: a deal's blob shared like any blob and named as a job's input
/// (read through the deal's decoder), and a blob or a job's output stored as a deal from inside the cluster.</summary>
public sealed class StoredDataComputeTests(ITestOutputHelper output)
{
    /// <summary>Lower-case letters and spaces, seeded: the echo program upper-cases them, so a job's output shows it
    /// read every byte of its input.</summary>
    private byte[] Text(int length)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"content seed {seed}");
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(random.Next(27) is var r && r == 26 ? ' ' : 'a' + r);
        }

        return bytes;
    }

    private static byte[] Upper(byte[] text) => Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(text).ToUpperInvariant());

    private static async Task<DealStatus> StoreDealAsync(HttpClient client, string dealId, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        using var created = await client.PostAsync($"v1/deals?preset=dev&deal_id={dealId}", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
    }

    private static async Task<string> DeployEchoAsync(HttpClient http)
    {
        using var deployed = await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo("echo-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.True(deployed.StatusCode == HttpStatusCode.Created, await deployed.Content.ReadAsStringAsync());
        return (await deployed.Content.ReadFromJsonAsync<ProgramInfo>(MarketplaceJson.Options))!.Id;
    }

    private static JobSubmission EchoOf(string program, string blobId) =>
        new() { Program = program, InputBlobId = blobId, MaxFuel = 500_000_000 };

    private static async Task<byte[]> RunAsync(HttpClient http, JobSubmission submission)
    {
        var job = await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, submission)).JobId);
        Assert.True(job.Status == JobStatus.Completed, $"{job.Status}: {job.ErrorMessage}");
        return await http.GetByteArrayAsync($"v1/jobs/{job.JobId}/output");
    }

    private static async Task<BlobAccessList> AccessAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<BlobAccessList>(MarketplaceJson.Options))!;
    }

    [Fact]
    public async Task A_deals_blob_is_a_job_input_for_its_owner_and_for_the_clients_it_is_shared_with_while_they_are()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);

        // Past one silo read (4 MiB), so the worker reads the deal in more than one range.
        var content = Text(StorageDeals.MaxSiloReadBytes + 1_234);
        var deal = await StoreDealAsync(alice, "input-deal", content);
        var program = await DeployEchoAsync(alice);
        var bobsProgram = await DeployEchoAsync(bob);

        Assert.Equal(Upper(content), await RunAsync(alice, EchoOf(program, deal.BlobId)));

        // Bob cannot tell it from a blob that does not exist: not to read, not as an input, not to share.
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{deal.BlobId}"), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await JobApiTests.PostJsonAsync(bob, "v1/jobs", EchoOf(bobsProgram, deal.BlobId)), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await JobApiTests.PostJsonAsync(bob, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = "bob" }), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await bob.PostAsync($"v1/blobs/{deal.BlobId}/publish", null), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{deal.BlobId}/access"), 404, "blob_not_found");

        // Shared with bob through the blob API, as any blob is.
        var shared = await AccessAsync(await JobApiTests.PostJsonAsync(alice, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = "bob" }));
        Assert.Equal(["bob"], shared.SharedWith);
        Assert.False(shared.Public);
        Assert.Equal(["bob"], (await AccessAsync(await alice.GetAsync($"v1/blobs/{deal.BlobId}/access"))).SharedWith);
        Assert.Equal(content, await bob.GetByteArrayAsync($"v1/blobs/{deal.BlobId}"));
        Assert.Equal(Upper(content), await RunAsync(bob, EchoOf(bobsProgram, deal.BlobId)));

        // The grantee may read, not change who reads.
        await ProblemAssert.IsProblemAsync(await bob.DeleteAsync($"v1/blobs/{deal.BlobId}/share/bob"), 404, "blob_not_found");

        // Only a deal that grants something is listed under its blob id.
        var index = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISharedDealsGrain>(deal.BlobId);
        Assert.Equal([StorageTestSettings.DealId("alice", "input-deal")], await index.ListAsync());

        // Revoked: bob is back to "no such blob".
        Assert.Empty((await AccessAsync(await alice.DeleteAsync($"v1/blobs/{deal.BlobId}/share/bob"))).SharedWith);
        Assert.Empty(await index.ListAsync());
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{deal.BlobId}"), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await JobApiTests.PostJsonAsync(bob, "v1/jobs", EchoOf(bobsProgram, deal.BlobId)), 404, "blob_not_found");

        // Published: every key reads it; unpublished: no longer.
        Assert.True((await AccessAsync(await alice.PostAsync($"v1/blobs/{deal.BlobId}/publish", null))).Public);
        Assert.Equal(content, await bob.GetByteArrayAsync($"v1/blobs/{deal.BlobId}"));
        Assert.False((await AccessAsync(await alice.DeleteAsync($"v1/blobs/{deal.BlobId}/publish"))).Public);
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{deal.BlobId}"), 404, "blob_not_found");

        // A deleted deal is no input any more, for its owner either, and its access list is gone with it.
        Assert.Equal(["bob"], (await AccessAsync(await JobApiTests.PostJsonAsync(alice, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = "bob" }))).SharedWith);
        using (var deleted = await alice.DeleteAsync("v1/deals/input-deal"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await ProblemAssert.IsProblemAsync(await JobApiTests.PostJsonAsync(alice, "v1/jobs", EchoOf(program, deal.BlobId)), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{deal.BlobId}"), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync($"v1/blobs/{deal.BlobId}/access"), 404, "blob_not_found");
        Assert.Empty(await index.ListAsync());
    }

    [Fact]
    public async Task A_deals_access_list_is_bounded_like_a_blobs_and_bad_grantees_are_refused()
    {
        var settings = StorageTestSettings.Providers(6);
        settings["Marketplace:Blobs:MaxAccessListEntries"] = "2";
        await using var silo = await ApiTestSilo.StartAsync(settings);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var deal = await StoreDealAsync(alice, "bounded", Text(1000));

        // The owner and one grantee fill two entries; sharing again with the same client changes nothing.
        Assert.Equal(["bob"], (await AccessAsync(await JobApiTests.PostJsonAsync(alice, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = "bob" }))).SharedWith);
        Assert.Equal(["bob"], (await AccessAsync(await JobApiTests.PostJsonAsync(alice, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = "bob" }))).SharedWith);
        await ProblemAssert.IsProblemAsync(await JobApiTests.PostJsonAsync(alice, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = "carol" }), 409, BlobAccessListFullException.ErrorCode);

        // One client lists at most four deals of one blob for others to read: a fifth deal of the same bytes is refused.
        var bytes = Text(2000);
        for (var i = 0; i < ISharedDealsGrain.MaxDealsPerClient; i++)
        {
            var copy = await StoreDealAsync(alice, $"copy-{i}", bytes);
            Assert.True((await AccessAsync(await PublishDealAsync(silo, copy.DealId))).Public);
        }

        var fifth = await StoreDealAsync(alice, "copy-4", bytes);
        var refused = await Assert.ThrowsAsync<BlobAccessListFullException>(() => PublishDealAsync(silo, fifth.DealId));
        Assert.Contains("4 deals of this client", refused.Message, StringComparison.Ordinal);

        // Sharing with oneself is a no-op; a malformed client id is a 400.
        Assert.Equal(["bob"], (await AccessAsync(await JobApiTests.PostJsonAsync(alice, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = "alice" }))).SharedWith);
        await ProblemAssert.IsProblemAsync(await JobApiTests.PostJsonAsync(alice, $"v1/blobs/{deal.BlobId}/share", new BlobShareRequest { ClientId = " leading-space" }), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.DeleteAsync($"v1/blobs/{deal.BlobId}/share/{new string('x', 300)}"), 400, "invalid_request");
    }

    /// <summary>Publishes one of alice's deals through its grain (the blob API would pick her newest deal of the blob).</summary>
    private static async Task<HttpResponseMessage> PublishDealAsync(ApiTestSilo silo, string dealId)
    {
        var access = await silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IStorageDealGrain>(StorageTestSettings.DealId("alice", dealId)).SetPublicAsync("alice", true);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(access, options: MarketplaceJson.Options) };
    }

    [Fact]
    public async Task An_input_past_the_input_limit_is_refused_at_submit_whether_a_blob_or_a_deals_blob()
    {
        const int limit = 1024 * 1024;
        var settings = StorageTestSettings.Providers(6);
        settings["Marketplace:Jobs:MaxInputBytes"] = limit.ToString(CultureInfo.InvariantCulture);
        await using var silo = await ApiTestSilo.StartAsync(settings);
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var program = await DeployEchoAsync(alice);

        async Task<string> UploadAsync(byte[] content)
        {
            using var uploaded = await alice.PostAsync("v1/blobs", new ByteArrayContent(content));
            Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
            return (await uploaded.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!.Id;
        }

        // Exactly the limit runs; one byte more is refused before any worker reads it, as a blob and as a deal.
        var atLimit = Text(limit);
        Assert.Equal(Upper(atLimit), await RunAsync(alice, EchoOf(program, await UploadAsync(atLimit))));
        var overBlob = await UploadAsync(Text(limit + 1));
        var overDeal = await StoreDealAsync(alice, "over-limit", Text(limit + 1));
        foreach (var (input, what) in new[] { (overBlob, "the blob"), (overDeal.BlobId, "the deal's blob") })
        {
            using var refused = await JobApiTests.PostJsonAsync(alice, "v1/jobs", EchoOf(program, input));
            var problem = await ProblemAssert.IsProblemAsync(refused, 400, "invalid_request");
            var detail = problem.GetProperty("detail").GetString();
            Assert.Contains($"{what} {input} holds {limit + 1} bytes", detail, StringComparison.Ordinal);
            Assert.Contains("Marketplace:Jobs:MaxInputBytes", detail, StringComparison.Ordinal);
        }

        // The refused submits left no job behind.
        var jobs = (await alice.GetFromJsonAsync<JobList>("v1/jobs?limit=1000", MarketplaceJson.Options))!;
        Assert.Single(jobs.Jobs);
    }

    [Fact]
    public async Task A_job_reading_a_deal_with_two_fragments_lost_still_gets_every_byte()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = Text(2 * 1024 * 1024 + 5);
        var deal = await StoreDealAsync(alice, "damaged", content);
        var program = await DeployEchoAsync(alice);

        // A data fragment is deleted and another data fragment is overwritten with garbage: the decoder rebuilds from
        // the two parity fragments, checking every chunk against the deal's roots.
        Directory.Delete(Path.Combine(silo.DataFolder, "providers", deal.Fragments[0].ProviderId, StorageTestSettings.DealId("alice", "damaged")), recursive: true);
        var path = Path.Combine(silo.DataFolder, "providers", deal.Fragments[1].ProviderId, StorageTestSettings.DealId("alice", "damaged"), $"{deal.Fragments[1].Index}.frag");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes((int)new FileInfo(path).Length));

        Assert.Equal(Upper(content), await RunAsync(alice, EchoOf(program, deal.BlobId)));
    }

    [Fact]
    public async Task An_uploaded_blob_and_a_jobs_output_are_stored_as_deals_without_leaving_the_cluster()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        using var alice = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = silo.NewHttpClient(ApiTestSilo.BobKey);

        var content = Text(3 * 1024 * 1024 + 77);
        using var uploaded = await alice.PostAsync("v1/blobs", new ByteArrayContent(content));
        var blob = (await uploaded.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!;

        using (var created = await alice.PostAsync($"v1/deals?preset=dev&deal_id=from-blob&blob_id={blob.Id}", null))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
            Assert.Equal(DealState.Active, deal.State);
            Assert.Equal(blob.Id, deal.BlobId);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), deal.ContentSha256);
        }

        Assert.Equal(content, await alice.GetByteArrayAsync("v1/deals/from-blob/content"));
        var first = (await alice.GetFromJsonAsync<DealStatus>("v1/deals/from-blob", MarketplaceJson.Options))!;

        // Again with the same deal id: the same deal, not a second one.
        using (var again = await alice.PostAsync($"v1/deals?preset=dev&deal_id=from-blob&blob_id={blob.Id}", null))
        {
            Assert.True(again.StatusCode == HttpStatusCode.Created, await again.Content.ReadAsStringAsync());
            var same = (await again.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
            Assert.Equal((first.DealId, first.CreatedAt, first.History.Count), (same.DealId, same.CreatedAt, same.History.Count));
        }

        // A job's output, stored as a deal through the sdk (the CLI's `store --job-output`).
        var program = await DeployEchoAsync(alice);
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = program, InputInline = Encoding.ASCII.GetBytes("stored output") })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        using var sdk = silo.NewClient(ApiTestSilo.AliceKey);
        var outputDeal = await sdk.StoreBlobAsync(job.OutputBlobId!, dealId: "from-output");
        Assert.Equal(job.OutputBlobId, outputDeal.BlobId);
        Assert.Equal("STORED OUTPUT", Encoding.ASCII.GetString(await alice.GetByteArrayAsync("v1/deals/from-output/content")));

        // Bad input: a blob bob may not read, no blob id, a deal's blob (not in the chunk store), a body as well.
        await ProblemAssert.IsProblemAsync(await bob.PostAsync($"v1/deals?preset=dev&blob_id={blob.Id}", null), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/deals?preset=dev&blob_id=blob-not-an-id", null), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/deals?preset=dev&blob_id=blob{new string('7', 64)}", null), 404, "blob_not_found");
        var dealOnly = await StoreDealAsync(alice, "deal-only", Text(5000));
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/deals?preset=dev&blob_id={dealOnly.BlobId}", null), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/deals?preset=dev&blob_id={blob.Id}", new ByteArrayContent([1, 2, 3])), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync("v1/deals/from-blob"), 404, "deal_not_found");
    }
}
