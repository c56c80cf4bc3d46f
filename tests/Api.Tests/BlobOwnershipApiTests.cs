using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>Blob ownership over HTTP: another client's blob answers like a missing one on every blob endpoint, the
/// same bytes belong to every uploader, job inputs, outputs and program blob refs follow their client, and owners
/// share, revoke, publish and unpublish.</summary>
[Collection(ApiCollection.Name)]
public sealed class BlobOwnershipApiTests(ApiSiloFixture fixture, ITestOutputHelper output)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    /// <summary>Every blob endpoint as a request builder over a blob id.</summary>
    public static TheoryData<string> BlobRequests => [.. Requests.Keys];

    private static Dictionary<string, Func<string, HttpRequestMessage>> Requests { get; } = new(StringComparer.Ordinal)
    {
        ["GET bytes"] = id => new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}"),
        ["HEAD bytes"] = id => new HttpRequestMessage(HttpMethod.Head, $"v1/blobs/{id}"),
        ["GET range"] = id => WithHeader(new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}"), "Range", "bytes=0-9"),
        ["GET range past the end"] = id => WithHeader(new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}"), "Range", "bytes=99999999-"),
        ["GET if-none-match"] = id => WithHeader(new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}"), "If-None-Match", $"\"{id}\""),
        ["GET manifest"] = id => new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}/manifest"),
        ["GET proof"] = id => new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}/chunks/0/proof"),
        ["GET proof past the end"] = id => new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}/chunks/99/proof"),
        ["GET access"] = id => new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{id}/access"),
        ["POST share"] = id => new HttpRequestMessage(HttpMethod.Post, $"v1/blobs/{id}/share") { Content = Json("{\"client_id\": \"bob\"}") },
        ["DELETE share"] = id => new HttpRequestMessage(HttpMethod.Delete, $"v1/blobs/{id}/share/alice"),
        ["POST publish"] = id => new HttpRequestMessage(HttpMethod.Post, $"v1/blobs/{id}/publish"),
        ["DELETE publish"] = id => new HttpRequestMessage(HttpMethod.Delete, $"v1/blobs/{id}/publish"),
        ["DELETE blob"] = id => new HttpRequestMessage(HttpMethod.Delete, $"v1/blobs/{id}"),
    };

    [Theory]
    [MemberData(nameof(BlobRequests))]
    public async Task Another_clients_blob_answers_exactly_like_a_blob_that_does_not_exist(string request)
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var id = await UploadAsync(alice, RandomBytes(3000));
        var missing = "blob" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id)));

        using var denied = await bob.SendAsync(Requests[request](id));
        using var absent = await bob.SendAsync(Requests[request](missing));

        Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
        Assert.Equal(absent.StatusCode, denied.StatusCode);
        Assert.Equal(absent.Content.Headers.ContentType?.ToString(), denied.Content.Headers.ContentType?.ToString());
        Assert.Equal(absent.Headers.Select(h => h.Key).Order(StringComparer.Ordinal), denied.Headers.Select(h => h.Key).Order(StringComparer.Ordinal));
        if (Requests[request](id).Method != HttpMethod.Head)
        {
            var deniedProblem = await ProblemAssert.IsProblemAsync(denied, 404, "blob_not_found");
            var absentProblem = await ProblemAssert.IsProblemAsync(absent, 404, "blob_not_found");
            Assert.Equal(absentProblem.GetProperty("title").GetString(), deniedProblem.GetProperty("title").GetString());
            Assert.Equal(
                absentProblem.GetProperty("detail").GetString()!.Replace(missing, "ID", StringComparison.Ordinal),
                deniedProblem.GetProperty("detail").GetString()!.Replace(id, "ID", StringComparison.Ordinal));
        }

        // Bob's requests changed nothing: still Alice's alone.
        var access = (await alice.GetFromJsonAsync<BlobAccessList>($"v1/blobs/{id}/access", MarketplaceJson.Options))!;
        Assert.Equal((1, 0, false), (access.OwnerCount, access.SharedWith.Count, access.Public));
    }

    [Fact]
    public async Task The_same_bytes_uploaded_by_two_clients_are_readable_by_both()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        using var fuzzer = _silo.NewHttpClient(ApiSiloFixture.FuzzKey);
        var data = RandomBytes((1024 * 1024) + 17);
        var id = await UploadAsync(alice, data);
        Assert.Equal(id, await UploadAsync(bob, data));

        Assert.Equal(data, await alice.GetByteArrayAsync($"v1/blobs/{id}"));
        Assert.Equal(data, await bob.GetByteArrayAsync($"v1/blobs/{id}"));
        await ProblemAssert.IsProblemAsync(await fuzzer.GetAsync($"v1/blobs/{id}/manifest"), 404, "blob_not_found");
        var access = (await bob.GetFromJsonAsync<BlobAccessList>($"v1/blobs/{id}/access", MarketplaceJson.Options))!;
        Assert.Equal(2, access.OwnerCount);
    }

    [Fact]
    public async Task Share_revoke_publish_and_unpublish_round_trip()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        using var fuzzer = _silo.NewHttpClient(ApiSiloFixture.FuzzKey);
        var data = RandomBytes(5000);
        var id = await UploadAsync(alice, data);

        using (var shared = await alice.PostAsync($"v1/blobs/{id}/share", Json("{\"client_id\": \"bob\"}")))
        {
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
            using var body = JsonDocument.Parse(await shared.Content.ReadAsStringAsync());
            Assert.Equal(id, body.RootElement.GetProperty("blob_id").GetString());
            Assert.Equal(1, body.RootElement.GetProperty("owner_count").GetInt32());
            Assert.Equal("bob", body.RootElement.GetProperty("shared_with")[0].GetString());
            Assert.False(body.RootElement.GetProperty("public").GetBoolean());
            Assert.True(body.RootElement.GetProperty("max_entries").GetInt32() > 1);
        }

        Assert.Equal(data, await bob.GetByteArrayAsync($"v1/blobs/{id}"));
        // Not transitive: Bob may read, not share it on, see its list or publish it.
        await ProblemAssert.IsProblemAsync(await bob.PostAsync($"v1/blobs/{id}/share", Json("{\"client_id\": \"fuzzer\"}")), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{id}/access"), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await bob.PostAsync($"v1/blobs/{id}/publish", null), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await fuzzer.GetAsync($"v1/blobs/{id}"), 404, "blob_not_found");

        using (var revoked = await alice.DeleteAsync($"v1/blobs/{id}/share/bob"))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Empty((await revoked.Content.ReadFromJsonAsync<BlobAccessList>(MarketplaceJson.Options))!.SharedWith);
        }

        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{id}"), 404, "blob_not_found");

        using (var published = await alice.PostAsync($"v1/blobs/{id}/publish", null))
        {
            Assert.True((await published.Content.ReadFromJsonAsync<BlobAccessList>(MarketplaceJson.Options))!.Public);
        }

        Assert.Equal(data, await fuzzer.GetByteArrayAsync($"v1/blobs/{id}"));
        Assert.Equal(data.Length, (await bob.GetFromJsonAsync<BlobManifest>($"v1/blobs/{id}/manifest", MarketplaceJson.Options))!.Size);
        await ProblemAssert.IsProblemAsync(await fuzzer.DeleteAsync($"v1/blobs/{id}/publish"), 404, "blob_not_found");

        using (var unpublished = await alice.DeleteAsync($"v1/blobs/{id}/publish"))
        {
            Assert.False((await unpublished.Content.ReadFromJsonAsync<BlobAccessList>(MarketplaceJson.Options))!.Public);
        }

        await ProblemAssert.IsProblemAsync(await fuzzer.GetAsync($"v1/blobs/{id}"), 404, "blob_not_found");
        Assert.Equal(data, await alice.GetByteArrayAsync($"v1/blobs/{id}"));
    }

    [Fact]
    public async Task Share_bodies_and_client_ids_are_checked()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var id = await UploadAsync(alice, RandomBytes(100));
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/blobs/{id}/share", Json("{}")), 400, "invalid_json");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/blobs/{id}/share", Json("{\"client_id\": \"bob\", \"role\": \"admin\"}")), 400, "invalid_json");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/blobs/{id}/share", Json("{\"client_id\": 5}")), 400, "invalid_json");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/blobs/{id}/share", new StringContent("{\"client_id\": \"bob\"}", Encoding.UTF8, "text/plain")), 415, "unsupported_media_type");
        var blank = await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/blobs/{id}/share", Json("{\"client_id\": \" bob\"}")), 400, "invalid_request");
        Assert.StartsWith("$.client_id:", blank.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await alice.DeleteAsync($"v1/blobs/{id}/share/{new string('x', 129)}"), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/blobs/blob1234/share", Json("{\"client_id\": \"bob\"}")), 400, "invalid_request");
    }

    [Fact]
    public async Task A_job_naming_another_clients_input_blob_is_refused_with_404_and_leaves_no_job()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var name = "echo-input-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(bob, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var alices = await UploadAsync(alice, Encoding.UTF8.GetBytes("alice's input " + Guid.NewGuid()));
        var missing = "blob" + new string('d', 64);
        var requestId = "steal-" + Guid.NewGuid().ToString("N");

        using var refused = await JobApiTests.PostJsonAsync(bob, "v1/jobs", new JobSubmission { Program = name, RequestId = requestId, InputBlobId = alices });
        using var absent = await JobApiTests.PostJsonAsync(bob, "v1/jobs", new JobSubmission { Program = name, RequestId = requestId + "-x", InputBlobId = missing });
        var refusedProblem = await ProblemAssert.IsProblemAsync(refused, 404, "blob_not_found");
        var absentProblem = await ProblemAssert.IsProblemAsync(absent, 404, "blob_not_found");
        Assert.Equal(
            absentProblem.GetProperty("detail").GetString()!.Replace(missing, "ID", StringComparison.Ordinal),
            refusedProblem.GetProperty("detail").GetString()!.Replace(alices, "ID", StringComparison.Ordinal));

        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{JobIds.For("bob", requestId)}"), 404, "job_not_found");
        var bobs = (await bob.GetFromJsonAsync<JobList>("v1/jobs?limit=1000", MarketplaceJson.Options))!;
        Assert.DoesNotContain(bobs.Jobs, j => j.JobId == JobIds.For("bob", requestId));

        // Alice's own job on the same blob runs (its worker reads the input with the silo's authority).
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name + "-a"))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name + "-a", InputBlobId = alices })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
    }

    [Fact]
    public async Task A_job_output_is_readable_by_its_client_and_not_by_another()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var name = "echo-output-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var text = "output of alice " + Guid.NewGuid().ToString("N");
        var job = await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes(text) });
        job = await JobApiTests.WaitAsync(alice, job.JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        var outputId = job.OutputBlobId!;

        Assert.Equal(text.ToUpperInvariant(), await alice.GetStringAsync($"v1/jobs/{job.JobId}/output"));
        Assert.Equal(text.ToUpperInvariant(), await alice.GetStringAsync($"v1/blobs/{outputId}"));
        Assert.Equal(1, (await alice.GetFromJsonAsync<BlobAccessList>($"v1/blobs/{outputId}/access", MarketplaceJson.Options))!.OwnerCount);

        var missing = "blob" + new string('c', 64);
        var denied = await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{outputId}"), 404, "blob_not_found");
        var absent = await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{missing}"), 404, "blob_not_found");
        Assert.Equal(absent.GetProperty("detail").GetString()!.Replace(missing, "ID", StringComparison.Ordinal), denied.GetProperty("detail").GetString()!.Replace(outputId, "ID", StringComparison.Ordinal));
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{outputId}/manifest"), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{job.JobId}/output"), 403, "forbidden");
    }

    [Fact]
    public async Task A_program_may_name_only_blobs_its_deployer_can_read()
    {
        using var alice = _silo.NewClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewClient(ApiTestSilo.BobKey);
        var blob = await alice.UploadBlobAsync(new MemoryStream(RandomBytes(700)));
        var manifest = new ProgramManifest
        {
            Name = "refs-" + Guid.NewGuid().ToString("N")[..8],
            Version = "1.0.0",
            BlobRefs = [blob.Id],
            Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
        };
        var deployment = ProgramDeployments.Create(SamplePrograms.EchoWasm, manifest, SamplePrograms.DeployerKey);

        var rejected = await Assert.ThrowsAsync<ProgramRejectedException>(() => bob.DeployProgramAsync(deployment));
        Assert.Contains($"blob ref {blob.Id}: no such blob is stored", rejected.Message, StringComparison.Ordinal);

        await alice.ShareBlobAsync(blob.Id, "bob");
        var deployed = await bob.DeployProgramAsync(deployment);
        Assert.Equal([blob.Id], deployed.Manifest.BlobRefs);
    }

    [Fact]
    public async Task The_sdk_shares_publishes_and_maps_the_typed_errors()
    {
        using var alice = _silo.NewClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewClient(ApiTestSilo.BobKey);
        var data = RandomBytes(2048);
        var blob = await alice.UploadBlobAsync(new MemoryStream(data));

        var notFound = await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.GetBlobManifestAsync(blob.Id));
        Assert.Equal("blob_not_found", notFound.Code);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.DownloadBlobAsync(blob.Id, new MemoryStream()));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.GetChunkProofAsync(blob.Id, 0));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.ShareBlobAsync(blob.Id, "bob"));

        Assert.Equal(["bob"], (await alice.ShareBlobAsync(blob.Id, "bob")).SharedWith);
        var copy = new MemoryStream();
        await bob.DownloadBlobAsync(blob.Id, copy);
        Assert.Equal(data, copy.ToArray());
        Assert.Empty((await alice.UnshareBlobAsync(blob.Id, "bob")).SharedWith);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => bob.GetBlobManifestAsync(blob.Id));
        Assert.True((await alice.PublishBlobAsync(blob.Id)).Public);
        Assert.Equal(blob.Id, (await bob.GetBlobManifestAsync(blob.Id)).Id);
        Assert.False((await alice.UnpublishBlobAsync(blob.Id)).Public);
        Assert.Equal(1, (await alice.GetBlobAccessAsync(blob.Id)).OwnerCount);
        await Assert.ThrowsAsync<InvalidRequestException>(() => alice.ShareBlobAsync(blob.Id, "tab\there"));
    }

    [Fact]
    public async Task A_full_access_list_is_409_blob_access_list_full()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var data = RandomBytes(900);
        var id = await UploadAsync(alice, data);

        // Fill the list to the silo's default bound (one owner and grants) with grain calls, then ask over HTTP.
        var blob = _silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IBlobGrain>(id);
        var owner = BlobCaller.Client("alice");
        var access = await blob.GetAccessAsync(owner);
        for (var i = access.OwnerCount; i < access.MaxEntries; i++)
        {
            await blob.ShareAsync(owner, $"filler-{i}");
        }

        var full = await ProblemAssert.IsProblemAsync(await alice.PostAsync($"v1/blobs/{id}/share", Json("{\"client_id\": \"bob\"}")), 409, "blob_access_list_full");
        Assert.Contains("publish it", full.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await bob.PostAsync("v1/blobs", new ByteArrayContent(data)), 409, "blob_access_list_full");
        using var sdk = _silo.NewClient(ApiTestSilo.BobKey);
        await Assert.ThrowsAsync<BlobAccessListFullException>(() => sdk.UploadBlobAsync(new MemoryStream(data)));
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/blobs/{id}"), 404, "blob_not_found");

        // Published, the bytes are everybody's to read, and another upload of them is accepted.
        (await alice.PostAsync($"v1/blobs/{id}/publish", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsync("v1/blobs", new ByteArrayContent(data))).StatusCode);
        Assert.Equal(data, await bob.GetByteArrayAsync($"v1/blobs/{id}"));
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    private byte[] RandomBytes(int size)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}, {size} bytes");
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<string> UploadAsync(HttpClient http, byte[] data)
    {
        using var response = await http.PostAsync("v1/blobs", new ByteArrayContent(data));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!.Id;
    }
}
