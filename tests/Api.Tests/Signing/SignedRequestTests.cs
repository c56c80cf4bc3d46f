using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Api.Tests.Cli;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Http;
using Marketplace.Sdk;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Api.Tests.Signing;

/// <summary>
/// Signed requests on a silo of their own: <c>alice</c> may sign (key <c>alice-k1</c>), <c>bob</c> must (key
/// <c>bob-k1</c>). The silo checks timestamps against a settable clock, so expiry is driven without waiting.
/// </summary>
public sealed class SignedRequestTests : IAsyncLifetime
{
    private const string AliceKeyId = "alice-k1";
    private const string BobKeyId = "bob-k1";
    private static readonly byte[] AliceSecret = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] BobSecret = [.. Enumerable.Range(100, 40).Select(i => (byte)i)];
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Start);
    private ApiTestSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await ApiTestSilo.StartAsync(
            new Dictionary<string, string?>
            {
                [$"Marketplace:Api:SigningKeys:{AliceKeyId}:Client"] = "alice",
                [$"Marketplace:Api:SigningKeys:{AliceKeyId}:Secret"] = Convert.ToBase64String(AliceSecret),
                [$"Marketplace:Api:SigningKeys:{BobKeyId}:Client"] = "bob",
                [$"Marketplace:Api:SigningKeys:{BobKeyId}:Secret"] = Convert.ToBase64String(BobSecret),
                ["Marketplace:Api:RequireSignedRequests:bob"] = "true",
            },
            services: services => services.AddKeyedSingleton<TimeProvider>("Marketplace:Api:SignatureClock", _clock));
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public void WorkedExampleOfTheReadmeIsTheSignatureComputedHere()
    {
        var body = """{"program":"echo@1.0.0","input_base64":"aGk="}"""u8.ToArray();
        var contentSha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        var stringToSign = RequestSignature.StringToSign("POST", "/v1/jobs?wait=0", 1795000000, "n0nce-0123456789abcdef", contentSha256, "application/json", "", AliceKeyId);
        var signature = Convert.ToHexStringLower(RequestSignature.Sign(AliceSecret, stringToSign));

        var readme = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "silo", "README.md"));
        Assert.Contains(Convert.ToBase64String(AliceSecret), readme, StringComparison.Ordinal);
        Assert.Contains(contentSha256, readme, StringComparison.Ordinal);
        Assert.Contains(signature, readme, StringComparison.Ordinal);
        Assert.Contains(stringToSign.Replace("\n", "\\n", StringComparison.Ordinal), readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedGetJsonPostAndUploadSucceed()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var client = await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null));
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
        Assert.Equal("alice", (await client.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["client_id"]);

        var bytes = Encoding.UTF8.GetBytes("signed upload " + Guid.NewGuid());
        using var upload = await http.SendAsync(Sign(HttpMethod.Post, "/v1/blobs", bytes, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var blobId = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var share = await http.SendAsync(Sign(HttpMethod.Post, $"/v1/blobs/{blobId}/share", """{"client_id":"bob"}"""u8.ToArray(), "application/json"));
        Assert.Equal(HttpStatusCode.OK, share.StatusCode);

        using var read = await http.SendAsync(Sign(HttpMethod.Get, $"/v1/blobs/{blobId}?x=1", null));
        Assert.Equal(bytes, await read.Content.ReadAsByteArrayAsync());

        // Unsigned requests still work for a client that need not sign.
        using var unsigned = await http.GetAsync("v1/client");
        Assert.Equal(HttpStatusCode.OK, unsigned.StatusCode);
    }

    [Fact]
    public async Task TamperedJsonBodyIsContentHashMismatch()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var blobId = await UploadAsync(http);
        var request = Sign(HttpMethod.Post, $"/v1/blobs/{blobId}/share", """{"client_id":"bob"}"""u8.ToArray(), "application/json");
        request.Content = new ByteArrayContent("""{"client_id":"eve"}"""u8.ToArray()) { Headers = { ContentType = new("application/json") } };
        var problem = await ProblemAssert.IsProblemAsync(await http.SendAsync(request), 401, "content_hash_mismatch");
        Assert.Contains("Marketplace-Content-SHA256", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedUploadBodyIsContentHashMismatchAndStoresNothing()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var signedBytes = Encoding.UTF8.GetBytes("what was signed " + Guid.NewGuid());
        var sentBytes = Encoding.UTF8.GetBytes("what was sent   " + Guid.NewGuid());
        var request = Sign(HttpMethod.Post, "/v1/blobs", signedBytes, "text/plain");
        request.Content = new ByteArrayContent(sentBytes) { Headers = { ContentType = new("text/plain") } };
        using var response = await http.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, 401, "content_hash_mismatch");
        Assert.True(response.Headers.WwwAuthenticate.Count > 0);
    }

    [Fact]
    public async Task TamperedDealBodyOfTheSignedLengthIsContentHashMismatchAndNeverBecomesADeal()
    {
        // A deal reads exactly Content-Length bytes and never asks for the end of the stream: the hash is checked as
        // the last declared byte arrives. The silo hosts its six default providers.
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var signedBytes = Encoding.UTF8.GetBytes("the deal that was signed " + Guid.NewGuid());
        var sentBytes = Encoding.UTF8.GetBytes("the deal that was SENT!! " + Guid.NewGuid());
        Assert.Equal(signedBytes.Length, sentBytes.Length);
        var request = Sign(HttpMethod.Post, "/v1/deals?preset=dev&deal_id=signed-deal", signedBytes, "application/octet-stream");
        request.Content = new ByteArrayContent(sentBytes) { Headers = { ContentType = new("application/octet-stream") } };
        using (var response = await http.SendAsync(request))
        {
            await ProblemAssert.IsProblemAsync(response, 401, "content_hash_mismatch");
        }

        using (var status = await http.SendAsync(Sign(HttpMethod.Get, "/v1/deals/signed-deal", null)))
        {
            var text = await status.Content.ReadAsStringAsync();
            Assert.True(status.StatusCode == HttpStatusCode.NotFound || !text.Contains("\"active\"", StringComparison.Ordinal), text);
        }

        using var honest = await http.SendAsync(Sign(HttpMethod.Post, "/v1/deals?preset=dev&deal_id=signed-deal", signedBytes, "application/octet-stream"));
        Assert.True(honest.StatusCode == HttpStatusCode.Created, await honest.Content.ReadAsStringAsync());
        using var read = await http.SendAsync(Sign(HttpMethod.Get, "/v1/deals/signed-deal/content", null));
        Assert.Equal(signedBytes, await read.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/v1/jobs?status=completed", "/v1/jobs?status=failed")]
    [InlineData("/v1/jobs?status=completed", "/v1/jobs")]
    [InlineData("/v1/client", "/v1/jobs")]
    public async Task TamperedPathOrQueryIsSignatureInvalid(string signedPath, string sentPath)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var request = Sign(HttpMethod.Get, signedPath, null);
        request.RequestUri = new Uri(_silo.BaseAddress, sentPath);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(request), 401, "signature_invalid");
    }

    [Fact]
    public async Task ContentTypeOfASignedUploadChangedInFlightIsSignatureInvalidAndTheSignedOneIsStored()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var bytes = Encoding.UTF8.GetBytes("<script>alert(1)</script> " + Guid.NewGuid());
        var tampered = Sign(HttpMethod.Post, "/v1/blobs", bytes, "text/plain");
        tampered.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/html");
        await ProblemAssert.IsProblemAsync(await http.SendAsync(tampered), 401, "signature_invalid");

        using var stored = await http.SendAsync(Sign(HttpMethod.Post, "/v1/blobs", bytes, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var blobId = JsonDocument.Parse(await stored.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using var read = await http.SendAsync(Sign(HttpMethod.Get, $"/v1/blobs/{blobId}", null));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("text/plain", read.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RangeOfASignedDownloadIsSignedAndAChangedOrAddedRangeIsSignatureInvalid()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var bytes = Encoding.UTF8.GetBytes("0123456789 range of a signed download " + Guid.NewGuid());
        using var upload = await http.SendAsync(Sign(HttpMethod.Post, "/v1/blobs", bytes, "application/octet-stream"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var blobId = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var partial = await http.SendAsync(Sign(HttpMethod.Get, $"/v1/blobs/{blobId}", null, range: "bytes=0-9"));
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("0123456789", await partial.Content.ReadAsStringAsync());

        var changed = Sign(HttpMethod.Get, $"/v1/blobs/{blobId}", null, range: "bytes=0-9");
        changed.Headers.Range = new RangeHeaderValue(10, 20);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(changed), 401, "signature_invalid");

        var added = Sign(HttpMethod.Get, $"/v1/blobs/{blobId}", null);
        added.Headers.Range = new RangeHeaderValue(0, 3);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(added), 401, "signature_invalid");
    }

    [Fact]
    public async Task A6_WrongSecretIsSignatureInvalid()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var wrong = AliceSecret.ToArray();
        wrong[0] ^= 1;
        var response = await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, secret: wrong));
        await ProblemAssert.IsProblemAsync(response, 401, "signature_invalid");
        Assert.Contains("Marketplace-Signature", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A6_UnknownKeyIdIsSigningKeyUnknown()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, keyId: "nobody-k9")), 401, "signing_key_unknown");
    }

    [Fact]
    public async Task AnotherClientsKeyIdIsSigningKeyMismatch()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var response = await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, keyId: BobKeyId, secret: BobSecret));
        await ProblemAssert.IsProblemAsync(response, 401, "signing_key_mismatch");
    }

    [Fact]
    public async Task A6_TimestampTooOldOrTooNewIsSignatureExpired()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var skew = TimeSpan.FromMinutes(5);
        try
        {
            // Signed now; the silo's clock then runs past the skew: too old.
            var old = Sign(HttpMethod.Get, "/v1/client", null);
            _clock.Now = Start + skew + TimeSpan.FromSeconds(1);
            await ProblemAssert.IsProblemAsync(await http.SendAsync(old), 401, "signature_expired");

            // Signed now; the silo's clock is behind by more than the skew: too new.
            _clock.Now = Start;
            var future = Sign(HttpMethod.Get, "/v1/client", null);
            _clock.Now = Start - skew - TimeSpan.FromSeconds(1);
            await ProblemAssert.IsProblemAsync(await http.SendAsync(future), 401, "signature_expired");

            // At the edge of the window it is still accepted.
            _clock.Now = Start;
            var edge = Sign(HttpMethod.Get, "/v1/client", null);
            _clock.Now = Start + skew;
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(edge)).StatusCode);
        }
        finally
        {
            _clock.Now = Start;
        }
    }

    [Fact]
    public async Task A5_ReplayedNonceIsNonceReplayed()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var nonce = RequestSignature.NewNonce();
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, nonce: nonce))).StatusCode);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, nonce: nonce)), 401, "nonce_replayed");

        // A failed signature does not use up a nonce.
        var fresh = RequestSignature.NewNonce();
        await ProblemAssert.IsProblemAsync(await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, nonce: fresh, secret: BobSecret)), 401, "signature_invalid");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, nonce: fresh))).StatusCode);
    }

    [Fact]
    public async Task A5_AReplayedStateChangingRequestIsRefusedAndChangesNothing()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var blobId = await UploadAsync(alice);
        var nonce = RequestSignature.NewNonce();
        var body = """{"client_id":"bob"}"""u8.ToArray();
        using (var share = await alice.SendAsync(Sign(HttpMethod.Post, $"/v1/blobs/{blobId}/share", body, "application/json", nonce: nonce)))
        {
            Assert.Equal(HttpStatusCode.OK, share.StatusCode);
        }

        using (var revoke = await alice.SendAsync(Sign(HttpMethod.Delete, $"/v1/blobs/{blobId}/share/bob", null)))
        {
            Assert.True(revoke.IsSuccessStatusCode, $"revoke answered {(int)revoke.StatusCode}");
        }

        // The captured share request, sent again byte for byte: refused, and bob's access stays revoked.
        await ProblemAssert.IsProblemAsync(
            await alice.SendAsync(Sign(HttpMethod.Post, $"/v1/blobs/{blobId}/share", body, "application/json", nonce: nonce)), 401, "nonce_replayed");
        await ProblemAssert.IsProblemAsync(await bob.SendAsync(BobSigned(HttpMethod.Get, $"/v1/blobs/{blobId}")), 404, "blob_not_found");
    }

    [Theory]
    [InlineData(RequestSignature.KeyIdHeader)]
    [InlineData(RequestSignature.TimestampHeader)]
    [InlineData(RequestSignature.NonceHeader)]
    [InlineData(RequestSignature.ContentSha256Header)]
    [InlineData(RequestSignature.SignatureHeader)]
    public async Task PartiallySignedRequestIsSignatureInvalid(string missing)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var request = Sign(HttpMethod.Get, "/v1/client", null);
        request.Headers.Remove(missing);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(request), 401, "signature_invalid");
    }

    [Theory]
    [InlineData(RequestSignature.TimestampHeader, "-5")]
    [InlineData(RequestSignature.TimestampHeader, "99999999999999999999999")]
    [InlineData(RequestSignature.NonceHeader, "short")]
    [InlineData(RequestSignature.NonceHeader, "has space in the nonce value!")]
    [InlineData(RequestSignature.ContentSha256Header, "zz")]
    [InlineData(RequestSignature.SignatureHeader, "0123")]
    [InlineData(RequestSignature.KeyIdHeader, "a/b")]
    public async Task MalformedSignatureHeaderIsSignatureInvalid(string header, string value)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var request = Sign(HttpMethod.Get, "/v1/client", null);
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(request), 401, "signature_invalid");
    }

    [Fact]
    public async Task ClientThatMustSignIsRefusedUnsignedRequests()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.BobKey);
        using var response = await http.GetAsync("v1/client");
        await ProblemAssert.IsProblemAsync(response, 401, "signature_required");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var signed = await http.SendAsync(Sign(HttpMethod.Get, "/v1/client", null, keyId: BobKeyId, secret: BobSecret));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
    }

    [Fact]
    public async Task SdkSignsEveryRequestEndToEnd()
    {
        using var client = new HttpMarketplaceClient(_silo.BaseAddress, ApiTestSilo.BobKey, new RequestSigningKey(BobKeyId, BobSecret), _clock);
        Assert.True(client.SignsRequests);
        Assert.Equal("bob", await client.ConnectAsync());

        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var seekable = await client.UploadBlobAsync(new MemoryStream(bytes));
        var streamed = await client.UploadBlobAsync(new NonSeekableStream(new MemoryStream(bytes)));
        Assert.Equal(seekable.Id, streamed.Id);

        var copy = new MemoryStream();
        await client.DownloadBlobAsync(seekable.Id, copy);
        Assert.Equal(bytes, copy.ToArray());
        var access = await client.ShareBlobAsync(seekable.Id, "alice");
        Assert.Contains("alice", access.SharedWith);
        var missing = await Assert.ThrowsAsync<ProgramNotFoundException>(() => client.GetProgramAsync("no-such-program-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal("program_not_found", missing.Code);

        using var unsigned = new HttpMarketplaceClient(_silo.BaseAddress, ApiTestSilo.BobKey);
        var refused = await Assert.ThrowsAsync<HttpApiException>(() => unsigned.ConnectAsync());
        Assert.Equal("signature_required", refused.Code);
    }

    [Fact]
    public async Task CliSignsHttpRequestsWithTheSigningKeyOptions()
    {
        var folder = Directory.CreateTempSubdirectory("marketplace-cli-signing-").FullName;
        _clock.Now = DateTimeOffset.UtcNow; // the CLI signs with the system clock
        try
        {
            var secretFile = Path.Combine(folder, "bob.secret");
            await File.WriteAllTextAsync(secretFile, Convert.ToBase64String(BobSecret) + "\n");
            var input = Path.Combine(folder, "input.txt");
            await File.WriteAllTextAsync(input, "signed by the cli " + Guid.NewGuid());
            CliRunner Cli() => new CliRunner().With("MARKETPLACE_URL", _silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.BobKey);

            var refused = await Cli().RunAsync("upload-blob", "--file", input);
            Assert.Equal(ExitCodesAuth, refused.ExitCode);
            Assert.Contains("signature_required", refused.Error, StringComparison.Ordinal);

            var options = await Cli().RunAsync("upload-blob", "--file", input, "--json", "--signing-key-id", BobKeyId, "--signing-secret-file", secretFile);
            Assert.True(options.ExitCode == 0, options.ToString());
            var blobId = JsonDocument.Parse(options.Output).RootElement.GetProperty("id").GetString()!;

            var environment = await Cli().With("MARKETPLACE_SIGNING_KEY_ID", BobKeyId).With("MARKETPLACE_SIGNING_SECRET_FILE", secretFile)
                .RunAsync("upload-blob", "--file", input, "--json");
            Assert.True(environment.ExitCode == 0, environment.ToString());
            Assert.Equal(blobId, JsonDocument.Parse(environment.Output).RootElement.GetProperty("id").GetString());

            var half = await Cli().RunAsync("upload-blob", "--file", input, "--signing-key-id", BobKeyId);
            Assert.NotEqual(0, half.ExitCode);
            Assert.Contains("--signing-secret-file", half.Error, StringComparison.Ordinal);
        }
        finally
        {
            _clock.Now = Start;
            Directory.Delete(folder, recursive: true);
        }
    }

    private const int ExitCodesAuth = 4;

    private HttpRequestMessage BobSigned(HttpMethod method, string pathAndQuery) =>
        Sign(method, pathAndQuery, null, keyId: BobKeyId, secret: BobSecret);

    private async Task<string> UploadAsync(HttpClient http)
    {
        using var upload = await http.SendAsync(Sign(HttpMethod.Post, "/v1/blobs", Encoding.UTF8.GetBytes("blob " + Guid.NewGuid()), "text/plain"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        return JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    // A request signed by hand, following silo/README.md, at the silo's current clock.
    private HttpRequestMessage Sign(HttpMethod method, string pathAndQuery, byte[]? body, string? mediaType = null,
        string keyId = AliceKeyId, byte[]? secret = null, string? nonce = null, string range = "")
    {
        var request = new HttpRequestMessage(method, new Uri(_silo.BaseAddress, pathAndQuery));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(mediaType!) } };
        }

        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        nonce ??= RequestSignature.NewNonce();
        var contentSha256 = Convert.ToHexStringLower(SHA256.HashData(body ?? []));
        if (range.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        var stringToSign = RequestSignature.StringToSign(method.Method, pathAndQuery, timestamp, nonce, contentSha256, mediaType ?? "", range, keyId);
        request.Headers.Add(RequestSignature.KeyIdHeader, keyId);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.ContentSha256Header, contentSha256);
        request.Headers.Add(RequestSignature.SignatureHeader, Convert.ToHexStringLower(RequestSignature.Sign(secret ?? AliceSecret, stringToSign)));
        return request;
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
