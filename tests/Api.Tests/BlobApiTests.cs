using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>/v1/blobs end to end through the real blob grains and chunk store.</summary>
[Collection(ApiCollection.Name)]
public sealed class BlobApiTests(ApiSiloFixture fixture, ITestOutputHelper output)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task A_multi_mebibyte_blob_streams_up_and_down_with_ranges()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var data = new byte[6 * 1024 * 1024 + 12345];
        new Random(seed).NextBytes(data);
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);

        // Chunked upload (no Content-Length): the server cannot know the size up front.
        var content = new StreamContent(new NonSeekableStream(data));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-test");
        using var created = await http.PostAsync("v1/blobs", content);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var manifest = (await created.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!;
        Assert.Matches("^blob[0-9a-f]{64}$", manifest.Id);
        Assert.Equal(data.Length, manifest.Size);
        Assert.Equal("application/x-test", manifest.MediaType);
        Assert.True(manifest.Chunks.Count > 1);
        Assert.Equal($"/v1/blobs/{manifest.Id}", created.Headers.Location!.OriginalString);

        using var whole = await http.GetAsync($"v1/blobs/{manifest.Id}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("application/x-test", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal(data.Length, whole.Content.Headers.ContentLength);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal(data, await whole.Content.ReadAsByteArrayAsync());

        var start = 1_000_003L;
        var end = 5_500_000L;
        using var rangeRequest = new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{manifest.Id}");
        rangeRequest.Headers.Range = new RangeHeaderValue(start, end);
        using var partial = await http.SendAsync(rangeRequest);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes {start}-{end}/{data.Length}", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal(data.AsSpan((int)start, (int)(end - start + 1)).ToArray(), await partial.Content.ReadAsByteArrayAsync());

        using var suffixRequest = new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{manifest.Id}");
        suffixRequest.Headers.TryAddWithoutValidation("Range", "bytes=-100");
        using var suffix = await http.SendAsync(suffixRequest);
        Assert.Equal(HttpStatusCode.PartialContent, suffix.StatusCode);
        Assert.Equal(data.AsSpan(data.Length - 100).ToArray(), await suffix.Content.ReadAsByteArrayAsync());

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v1/blobs/{manifest.Id}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(data.Length, head.Content.Headers.ContentLength);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{manifest.Id}");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{manifest.Id}\""));
        using var notModified = await http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        foreach (var bad in new[] { $"bytes={data.Length}-", "bytes=0-1,4-5", "bytes=x-y", "lines=1-2" })
        {
            using var badRequest = new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/{manifest.Id}");
            badRequest.Headers.TryAddWithoutValidation("Range", bad);
            using var refused = await http.SendAsync(badRequest);
            await ProblemAssert.IsProblemAsync(refused, 416, "range_not_satisfiable");
            Assert.Equal($"bytes */{data.Length}", refused.Content.Headers.ContentRange!.ToString());
        }

        var fetched = (await http.GetFromJsonAsync<BlobManifest>($"v1/blobs/{manifest.Id}/manifest", MarketplaceJson.Options))!;
        Assert.Equal(manifest.Id, fetched.Id);
        Assert.Equal(manifest.Chunks.Count, fetched.Chunks.Count);

        var last = manifest.Chunks.Count - 1;
        var proof = (await http.GetFromJsonAsync<ChunkProof>($"v1/blobs/{manifest.Id}/chunks/{last}/proof", MarketplaceJson.Options))!;
        Assert.Equal(manifest.Id, proof.BlobId);
        Assert.Equal(last, proof.Index);
        Assert.Equal(manifest.Chunks[last].Hash, proof.ChunkHash);
        Assert.Equal(manifest.Chunks.Count, proof.ChunkCount);
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/blobs/{manifest.Id}/chunks/{manifest.Chunks.Count}/proof"), 400, "invalid_request");
    }

    [Fact]
    public async Task Unknown_blobs_are_blob_not_found()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var id = "blob" + new string('7', 64);
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/blobs/{id}"), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/blobs/{id}/manifest"), 404, "blob_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/blobs/{id}/chunks/0/proof"), 404, "blob_not_found");
    }

    [Fact]
    public async Task The_same_bytes_give_the_same_id_and_the_default_media_type()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var data = System.Text.Encoding.UTF8.GetBytes("hello world " + Guid.NewGuid());
        using var first = await http.PostAsync("v1/blobs", new ByteArrayContent(data));
        using var second = await http.PostAsync("v1/blobs", new ByteArrayContent(data));
        var a = (await first.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!;
        var b = (await second.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!;
        Assert.Equal(a.Id, b.Id);
        Assert.Equal("application/octet-stream", a.MediaType);
        Assert.Equal(data, await http.GetByteArrayAsync($"v1/blobs/{a.Id}"));
    }

    [Fact]
    public async Task A_chunked_upload_past_the_limit_stops_at_the_limit()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = new StreamContent(new PatternStream(ApiSiloFixture.MaxBlobBytes + 1));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/blobs") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await http.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, 413, "payload_too_large");
    }

    [Fact]
    public async Task A_damaged_first_chunk_is_a_blob_integrity_problem_and_a_damaged_later_chunk_aborts_the_stream()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var data = new byte[7 * 1024 * 1024];
        new Random(seed).NextBytes(data);
        using var client = _silo.NewClient();
        var manifest = await client.UploadBlobAsync(new MemoryStream(data));
        Assert.True(manifest.Chunks.Count >= 6, $"{manifest.Chunks.Count} chunks");

        // Damage a chunk past the first 4 MiB piece: headers are out by then, so the server aborts the response.
        var late = manifest.Chunks[^2];
        Damage(late.Hash);
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using (var response = await http.GetAsync($"v1/blobs/{manifest.Id}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Assert.ThrowsAnyAsync<Exception>(async () => await response.Content.ReadAsByteArrayAsync());
        }

        // The sdk resumes the cut download; the resumed request meets the damage first and gets the typed error.
        var sink = new MemoryStream();
        await Assert.ThrowsAsync<BlobIntegrityException>(() => client.DownloadBlobAsync(manifest.Id, sink));
        Assert.True(sink.Length <= late.Offset, "no byte of the damaged chunk may reach the caller");

        // Damage the first chunk: the problem arrives before any header.
        Damage(manifest.Chunks[0].Hash);
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/blobs/{manifest.Id}"), 500, "blob_integrity");
    }

    private void Damage(string chunkHash)
    {
        var path = Directory.EnumerateFiles(_silo.DataFolder, chunkHash, SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5a;
        File.WriteAllBytes(path, bytes);
    }
}
