using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces.Http;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>
/// A signed request captured at one silo of a PostgreSQL cluster and sent again to another is refused there
/// (nonce_replayed) and acts nowhere: the nonces are recorded for the cluster, not only per silo.
/// </summary>
public sealed class SignedRequestReplayTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string KeyId = "alice-k1";
    private static readonly byte[] Secret = [.. Enumerable.Range(40, 32).Select(i => (byte)i)];
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
    public async Task A_signed_submit_replayed_at_another_silo_is_refused_and_makes_no_second_job()
    {
        _cluster = await SiloCluster.StartAsync("replay", 0);
        var signing = new Dictionary<string, string>
        {
            [$"Marketplace:Api:SigningKeys:{KeyId}:Client"] = SiloCluster.ClientId,
            [$"Marketplace:Api:SigningKeys:{KeyId}:Secret"] = Convert.ToBase64String(Secret),
        };
        var first = _cluster.Start(signing, cheap: true);
        var second = _cluster.Start(signing);
        await Task.WhenAll(first.WaitReadyAsync(SiloCluster.StartBound), second.WaitReadyAsync(SiloCluster.StartBound));
        var program = "replay-" + Guid.NewGuid().ToString("N")[..8];
        using (var deployer = SiloCluster.Client(first))
        {
            await deployer.DeployProgramAsync(SamplePrograms.JobTest(program));
        }

        using var http = new HttpClient();
        var body = Encoding.UTF8.GetBytes("{\"program\": \"" + program + "@1.0.0\", \"input_base64\": \"aGk=\"}");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        using (var accepted = await http.SendAsync(Signed(first, HttpMethod.Post, "/v1/jobs", body, timestamp, nonce)))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using (var replayed = await http.SendAsync(Signed(second, HttpMethod.Post, "/v1/jobs", body, timestamp, nonce)))
        {
            var text = await replayed.Content.ReadAsStringAsync();
            output.WriteLine($"replay at {second.Name}: {(int)replayed.StatusCode} {text}");
            Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
            Assert.Equal("nonce_replayed", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }

        using (var again = await http.SendAsync(Signed(first, HttpMethod.Post, "/v1/jobs", body, timestamp, nonce)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        // One job, whichever silo lists them.
        foreach (var silo in new[] { first, second })
        {
            using var list = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.BaseAddress, "v1/jobs"));
            list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
            using var jobs = await http.SendAsync(list);
            Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
            Assert.Equal(1, JsonDocument.Parse(await jobs.Content.ReadAsStringAsync()).RootElement.GetProperty("jobs").GetArrayLength());
        }

        // The other way round, and for a read: accepted at the second silo, refused at the first.
        var readNonce = RequestSignature.NewNonce();
        using (var read = await http.SendAsync(Signed(second, HttpMethod.Get, "/v1/client", null, timestamp, readNonce)))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using (var readAgain = await http.SendAsync(Signed(first, HttpMethod.Get, "/v1/client", null, timestamp, readNonce)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, readAgain.StatusCode);
        }
    }

    // A request signed by hand as silo/README.md describes, the same bytes on every send.
    private static HttpRequestMessage Signed(SiloProcess silo, HttpMethod method, string path, byte[]? body, long timestamp, string nonce)
    {
        var request = new HttpRequestMessage(method, new Uri(silo.BaseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
        var contentType = "";
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            contentType = "application/json";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(body ?? []));
        var toSign = RequestSignature.StringToSign(method.Method, path, timestamp, nonce, hash, contentType, "", KeyId);
        request.Headers.Add(RequestSignature.KeyIdHeader, KeyId);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.ContentSha256Header, hash);
        request.Headers.Add(RequestSignature.SignatureHeader, Convert.ToHexStringLower(RequestSignature.Sign(Secret, toSign)));
        return request;
    }
}
