using System.Net;
using System.Net.Sockets;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary><see cref="HttpMarketplaceClient"/> against the real API.</summary>
[Collection(ApiCollection.Name)]
public sealed class SdkClientTests(ApiSiloFixture fixture, ITestOutputHelper output)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Connect_learns_the_client_id_of_the_key()
    {
        using var client = _silo.NewClient(ApiTestSilo.BobKey);
        Assert.Throws<InvalidOperationException>(() => client.ClientId);
        Assert.Equal("bob", await client.ConnectAsync());
        Assert.Equal("bob", client.ClientId);
    }

    [Fact]
    public async Task A_wrong_key_is_an_unauthorized_api_exception()
    {
        using var client = _silo.NewClient("not-a-key-0123456789abcdef");
        var error = await Assert.ThrowsAsync<HttpApiException>(() => client.ConnectAsync());
        Assert.Equal(401, error.Status);
        Assert.Equal("unauthorized", error.Code);
        Assert.False(string.IsNullOrEmpty(error.TraceId));
    }

    [Fact]
    public async Task No_server_is_a_connection_failure()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var client = new HttpMarketplaceClient(new Uri($"http://127.0.0.1:{port}"), "any-key-0123456789abcdef");
        var error = await Assert.ThrowsAsync<HttpApiException>(() => client.ListProgramsAsync());
        Assert.Equal(0, error.Status);
        Assert.Equal(HttpApiException.ConnectionFailedCode, error.Code);
    }

    [Fact]
    public async Task Server_codes_come_back_as_the_typed_errors()
    {
        using var client = _silo.NewClient();
        var invalid = await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetJobAsync("not-a-job"));
        Assert.Contains("not-a-job", invalid.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetBlobManifestAsync("blob-nope"));
        await Assert.ThrowsAsync<BlobEmptyException>(() => client.UploadBlobAsync(new MemoryStream()));
        var tooLarge = await Assert.ThrowsAsync<HttpApiException>(() => client.UploadBlobAsync(new MemoryStream(new byte[ApiSiloFixture.MaxBlobBytes + 1])));
        Assert.Equal("payload_too_large", tooLarge.Code);
        Assert.Equal(413, tooLarge.Status);
    }

    [Fact]
    public async Task Every_marketplace_error_code_reaches_the_caller_as_its_typed_exception()
    {
        // Scans the contract assembly, so an error type added later without an SDK mapping fails here.
        var types = typeof(MarketplaceException).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(MarketplaceException)) && !t.IsAbstract)
            .ToList();
        Assert.True(types.Count >= 17, $"found only {types.Count} error types");
        foreach (var type in types)
        {
            var code = (string)type.GetField("ErrorCode")!.GetValue(null)!;
            using var http = new HttpClient(new ProblemAnswer(code, Silo.Api.ProblemCodes.StatusFor(code)));
            using var client = new HttpMarketplaceClient(http, new Uri("http://127.0.0.1:1/"), ApiTestSilo.AliceKey);
            var thrown = await Assert.ThrowsAnyAsync<MarketplaceException>(() => client.GetJobAsync("job-any"));
            Assert.True(thrown.GetType() == type, $"{code} came back as {thrown.GetType().Name}, not {type.Name}");
            Assert.Equal(code, thrown.Code);
            Assert.Equal("what went wrong", thrown.Message);
        }
    }

    private sealed class ProblemAnswer(string code, int status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = new StringContent($$"""{"type":"about:blank","title":"t","status":{{status}},"detail":"what went wrong","code":"{{code}}"}""", System.Text.Encoding.UTF8, "application/problem+json"),
            });
    }

    [Fact]
    public async Task An_injected_http_client_is_used_and_not_disposed()
    {
        using var http = new HttpClient();
        using (var client = new HttpMarketplaceClient(http, _silo.BaseAddress, ApiTestSilo.AliceKey))
        {
            Assert.Equal("alice", await client.ConnectAsync());
        }

        using var response = await http.GetAsync(new Uri(_silo.BaseAddress, "v1/health"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Blobs_round_trip_with_progress_and_ranges()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var data = new byte[5 * 1024 * 1024 + 7];
        new Random(seed).NextBytes(data);
        using var client = _silo.NewClient();
        var sent = new List<long>();
        var manifest = await client.UploadBlobAsync(new NonSeekableStream(data), "application/x-bytes", new SynchronousProgress(sent.Add));
        Assert.Equal(data.Length, manifest.Size);
        Assert.Equal(data.Length, sent[^1]);
        Assert.True(sent.Count > 1);
        Assert.Equal(manifest.Id, (await client.GetBlobManifestAsync(manifest.Id)).Id);

        var received = new List<long>();
        var whole = new MemoryStream();
        await client.DownloadBlobAsync(manifest.Id, whole, progress: new SynchronousProgress(received.Add));
        Assert.Equal(data, whole.ToArray());
        Assert.Equal(data.Length, received[^1]);

        var part = new MemoryStream();
        await client.DownloadBlobAsync(manifest.Id, part, offset: 4_000_000, length: 1_000_000);
        Assert.Equal(data.AsSpan(4_000_000, 1_000_000).ToArray(), part.ToArray());

        var tail = new MemoryStream();
        await client.DownloadBlobAsync(manifest.Id, tail, offset: data.Length - 10);
        Assert.Equal(data.AsSpan(data.Length - 10).ToArray(), tail.ToArray());

        var proof = await client.GetChunkProofAsync(manifest.Id, 0);
        Assert.Equal(manifest.Chunks[0].Hash, proof.ChunkHash);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => client.GetBlobManifestAsync("blob" + new string('e', 64)));
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
