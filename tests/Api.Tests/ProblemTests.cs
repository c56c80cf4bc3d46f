using System.Net.Http.Headers;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Silo.Api;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>Bad requests of every kind get a problem+json answer with a stable code, never a 500 or a hang.</summary>
[Collection(ApiCollection.Name)]
public sealed class ProblemTests(ApiSiloFixture fixture)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Theory]
    [InlineData("this is not json", "invalid_json")]
    [InlineData("{\"program\": ", "invalid_json")]
    [InlineData("{\"program\": 5}", "invalid_json")]
    [InlineData("{\"program\": \"echo\", \"max_fuel\": \"lots\"}", "invalid_json")]
    [InlineData("{\"program\": \"echo\", \"max_fuel\": 1.5}", "invalid_json")]
    [InlineData("{\"program\": \"echo\", \"input_base64\": \"***\"}", "invalid_json")]
    [InlineData("{\"program\": \"echo\", \"client_id\": \"bob\"}", "invalid_json")]
    [InlineData("{\"program\": \"echo\", \"surprise\": 1}", "invalid_json")]
    [InlineData("{\"max_fuel\": 5}", "invalid_json")]
    [InlineData("null", "invalid_json")]
    [InlineData("[1,2,3]", "invalid_json")]
    [InlineData("", "invalid_json")]
    [InlineData("{\"program\": \"echo\", \"labels\": {\"a\": 1}}", "invalid_json")]
    public async Task Bad_job_bodies_are_invalid_json(string body, string code)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, 400, code);
    }

    [Fact]
    public async Task The_problem_detail_names_the_bad_member()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var wrongType = await http.PostAsync("v1/jobs", new StringContent("{\"program\": \"echo\", \"max_fuel\": \"lots\"}", Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblemAsync(wrongType, 400, "invalid_json");
        Assert.Contains("max_fuel", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var clientId = await http.PostAsync("v1/jobs", new StringContent("{\"program\": \"echo\", \"client_id\": \"bob\"}", Encoding.UTF8, "application/json"));
        problem = await ProblemAssert.IsProblemAsync(clientId, 400, "invalid_json");
        Assert.Contains("client_id", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var missing = await http.PostAsync("v1/jobs", new StringContent("{}", Encoding.UTF8, "application/json"));
        problem = await ProblemAssert.IsProblemAsync(missing, 400, "invalid_json");
        Assert.Contains("program", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deeply_nested_json_is_invalid_json()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var body = "{\"program\": \"echo\", \"labels\": " + new string('[', 5000) + new string(']', 5000) + "}";
        using var response = await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, 400, "invalid_json");
    }

    [Theory]
    [InlineData("{\"manifest\": {\"name\": \"echo\", \"version\": \"1.0.0\"}, \"signature_hex\": \"00\"}")]
    [InlineData("{\"wasm_base64\": \"AGFzbQ==\", \"manifest\": {\"name\": \"echo\", \"version\": \"1.0.0\"}, \"signature_hex\": \"zz\"}")]
    [InlineData("{\"wasm_base64\": \"AGFzbQ==\", \"manifest\": {\"name\": \"echo\", \"version\": \"1.0.0\"}, \"signature_hex\": \"abc\"}")]
    [InlineData("{\"wasm_base64\": \"AGFzbQ==\", \"signature_hex\": \"00\"}")]
    [InlineData("{\"wasm\": \"AGFzbQ==\", \"manifest\": {}, \"signature_hex\": \"00\"}")]
    [InlineData("{\"wasm_base64\": \"AGFzbQ==\", \"manifest\": {\"max_fuel\": \"x\"}, \"signature_hex\": \"00\"}")]
    public async Task Bad_deploy_bodies_are_invalid_json(string body)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.PostAsync("v1/programs", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, 400, "invalid_json");
    }

    [Fact]
    public async Task A_deploy_with_a_salt_that_is_not_hex_is_an_invalid_request()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var body = "{\"wasm_base64\": \"AGFzbQ==\", \"manifest\": {\"name\": \"echo\", \"version\": \"1.0.0\", \"salt\": \"xyz\"}, \"signature_hex\": \"00\"}";
        using var response = await http.PostAsync("v1/programs", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblemAsync(response, 400, "invalid_request");
        Assert.Contains("salt", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task Json_endpoints_refuse_other_media_types(string? mediaType)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"program\": \"echo\"}"));
        content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        using var response = await http.PostAsync("v1/jobs", content);
        await ProblemAssert.IsProblemAsync(response, 415, "unsupported_media_type");
    }

    [Fact]
    public async Task A_json_body_over_the_limit_is_payload_too_large()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var body = "{\"program\": \"echo\", \"input_base64\": \"" + new string('A', (int)ApiSiloFixture.MaxJsonBodyBytes) + "\"}";
        using var response = await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, 413, "payload_too_large");
    }

    [Fact]
    public async Task A_chunked_json_body_over_the_limit_is_payload_too_large()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var bytes = Encoding.UTF8.GetBytes("{\"program\": \"echo\", \"input_base64\": \"" + new string('A', (int)ApiSiloFixture.MaxJsonBodyBytes) + "\"}");
        var content = new StreamContent(new NonSeekableStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("v1/jobs", content);
        await ProblemAssert.IsProblemAsync(response, 413, "payload_too_large");
    }

    [Theory]
    [InlineData("v1/blobs/not-a-blob")]
    [InlineData("v1/blobs/blob00/manifest")]
    [InlineData("v1/blobs/BLOB0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("v1/blobs/blob0000000000000000000000000000000000000000000000000000000000000000/chunks/abc/proof")]
    [InlineData("v1/blobs/blob0000000000000000000000000000000000000000000000000000000000000000/chunks/-1/proof")]
    [InlineData("v1/jobs/job123")]
    [InlineData("v1/jobs/JOB0123456789abcdef0123456789abcdef")]
    [InlineData("v1/jobs/nope/logs")]
    [InlineData("v1/jobs/nope/output")]
    [InlineData("v1/jobs?status=finished")]
    [InlineData("v1/jobs?status=3")]
    [InlineData("v1/jobs?limit=0")]
    [InlineData("v1/jobs?limit=many")]
    [InlineData("v1/jobs?limit=100000")]
    public async Task Bad_ids_and_queries_are_invalid_requests(string path)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.GetAsync(path);
        await ProblemAssert.IsProblemAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task Cancelling_a_malformed_job_id_is_an_invalid_request()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.PostAsync("v1/jobs/x/cancel", null);
        await ProblemAssert.IsProblemAsync(response, 400, "invalid_request");
    }

    [Theory]
    [InlineData("GET", "v1/nothing-here")]
    [InlineData("GET", "v2/jobs")]
    [InlineData("GET", "")]
    [InlineData("POST", "v1/jobs/job0123456789abcdef0123456789abcdef/logs/more")]
    public async Task Unknown_routes_are_not_found(string method, string path)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await ProblemAssert.IsProblemAsync(response, 404, "not_found");
    }

    [Theory]
    [InlineData("DELETE", "v1/jobs")]
    [InlineData("PUT", "v1/blobs")]
    [InlineData("POST", "v1/health")]
    [InlineData("GET", "v1/jobs/job0123456789abcdef0123456789abcdef/cancel")]
    public async Task Wrong_methods_are_method_not_allowed(string method, string path)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await ProblemAssert.IsProblemAsync(response, 405, "method_not_allowed");
    }

    [Fact]
    public void Every_marketplace_error_code_has_its_own_status_in_the_table()
    {
        // Scans the contract assembly, so an error added later without a row fails here instead of answering 400.
        var codes = typeof(MarketplaceException).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(MarketplaceException)) && !t.IsAbstract)
            .Select(t => (string)t.GetField("ErrorCode")!.GetValue(null)!)
            .ToList();
        Assert.True(codes.Count >= 13, $"found only {codes.Count} error types");
        var table = ProblemCodes.All.Select(e => e.Code).ToHashSet();
        Assert.All(codes, code => Assert.Contains(code, table));
        Assert.Equal(503, ProblemCodes.StatusFor(BlobStoreException.ErrorCode));
    }

    [Fact]
    public async Task An_empty_upload_is_blob_empty()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.PostAsync("v1/blobs", new ByteArrayContent([]));
        await ProblemAssert.IsProblemAsync(response, 400, "blob_empty");
    }

    [Fact]
    public async Task An_upload_declaring_more_than_the_limit_is_refused_before_reading()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var declared = ApiSiloFixture.MaxBlobBytes + 1;
        var content = new StreamContent(new PatternStream(declared));
        content.Headers.ContentLength = declared;
        using var response = await http.PostAsync("v1/blobs", content);
        await ProblemAssert.IsProblemAsync(response, 413, "payload_too_large");
    }

    [Fact]
    public async Task An_upload_with_a_malformed_content_type_is_an_invalid_request()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/blobs") { Content = new ByteArrayContent([1, 2, 3]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "not a media type");
        using var response = await http.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, 400, "invalid_request");
    }
}

/// <summary>A read-only stream that hides its length, so HttpClient sends it chunked.</summary>
internal sealed class NonSeekableStream(byte[] data) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(count, data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A non-seekable stream of <c>length</c> pattern bytes produced on demand.</summary>
internal sealed class PatternStream(long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[offset + i] = (byte)((_position + i) * 31 % 251);
        }

        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
