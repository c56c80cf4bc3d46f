using System.Text;
using System.Text.Json;
using Marketplace.Api.Tests.Abuse;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>Requests Kestrel refuses before the API runs, and body framing errors met while the API reads, are
/// problem+json answers with stable codes (raw TCP: HttpClient cannot send them).</summary>
[Collection(ApiCollection.Name)]
public sealed class TransportProblemTests(ApiSiloFixture fixture)
{
    private const string Key = "Authorization: Bearer " + ApiTestSilo.AliceKey + "\r\n";

    private readonly ApiTestSilo _silo = fixture.Silo;

    public static TheoryData<string, string, int, string> Refused => new()
    {
        { "headers too large", "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 40_000) + "\r\n\r\n", 431, "headers_too_large" },
        { "too many headers", "GET /v1/health HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 150).Select(i => $"X-{i}: v\r\n")) + "\r\n", 431, "headers_too_large" },
        { "uri too long", "GET /v1/health?" + new string('q', 10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long" },
        { "http version", "GET /v1/health HTTP/1.7\r\nHost: x\r\n\r\n", 505, "http_version_not_supported" },
        { "bad content-length", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}", 400, "malformed_request" },
        { "no host", "GET /v1/health HTTP/1.1\r\n\r\n", 400, "malformed_request" },
        { "garbage request line", "HELLO\r\n\r\n", 400, "malformed_request" },
        { "bad chunk size", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, "malformed_request" },
        { "chunk size overflow in an upload", "POST /v1/blobs HTTP/1.1\r\nHost: x\r\n" + Key + "Transfer-Encoding: chunked\r\n\r\n" + new string('f', 5000) + "\r\nabc\r\n0\r\n\r\n", 400, "malformed_request" },
        { "chunk size overflow in a json body", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n", 400, "malformed_request" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Refused_requests_are_problems(string what, string request, int status, string code)
    {
        var result = await RawHttp.RunAsync(_silo.BaseAddress.Port, new RawExchange(what, Encoding.Latin1.GetBytes(request), RawEnding.ReadToClose, 0, 1, false), TimeSpan.FromSeconds(30));
        Assert.Null(result.Trouble);
        var response = Assert.Single(result.Responses);
        Assert.True(response.Status == status, $"{what}: {response.Status} {Encoding.UTF8.GetString(response.Body)}");
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_refused_head_request_gets_the_problem_head_without_a_body()
    {
        var request = Encoding.Latin1.GetBytes("HEAD /v1/health HTTP/1.7\r\nHost: x\r\n\r\n");
        var result = await RawHttp.RunAsync(_silo.BaseAddress.Port, new RawExchange("head", request, RawEnding.ReadToClose, 0, 1, true), TimeSpan.FromSeconds(30));
        var response = Assert.Single(result.Responses);
        Assert.Equal(505, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Null(result.Trouble);
    }

    [Fact]
    public async Task A_bad_request_after_a_good_one_on_the_same_connection_is_a_problem_and_the_good_answer_is_untouched()
    {
        var request = Encoding.Latin1.GetBytes("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/health HTTP/1.7\r\nHost: x\r\n\r\n");
        var result = await RawHttp.RunAsync(_silo.BaseAddress.Port, new RawExchange("pipelined", request, RawEnding.ReadToClose, 0, 2, false), TimeSpan.FromSeconds(30));
        Assert.Null(result.Trouble);
        Assert.Equal(2, result.Responses.Count);
        Assert.Equal(200, result.Responses[0].Status);
        Assert.Contains("\"alive\"", Encoding.UTF8.GetString(result.Responses[0].Body), StringComparison.Ordinal);
        Assert.Equal(505, result.Responses[1].Status);
        Assert.StartsWith("application/problem+json", result.Responses[1].ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_says_ready_in_fixed_words()
    {
        using var http = _silo.NewHttpClient();
        var body = await http.GetStringAsync("v1/health/ready");
        using var report = JsonDocument.Parse(body);
        Assert.Equal("ready", report.RootElement.GetProperty("status").GetString());
        foreach (var check in report.RootElement.GetProperty("checks").EnumerateObject())
        {
            Assert.Matches("^(ok|starting|stopping|failed|[0-9]+)$", check.Value.GetString()!);
        }
    }
}

/// <summary>A readiness probe whose grain call cannot answer in time says not_ready in fixed words; the reason goes
/// to the log only.</summary>
public sealed class ReadinessFailureTests
{
    [Fact]
    public async Task Not_ready_reveals_no_exception()
    {
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?> { ["Marketplace:Api:ReadinessTimeout"] = "00:00:00" });
        using var http = silo.NewHttpClient();
        using var response = await http.GetAsync("v1/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(503, (int)response.StatusCode);
        // The storage read may finish before a zero timeout is checked; the grain call never does.
        Assert.Matches("^\\{\"status\":\"not_ready\",\"checks\":\\{\"silo\":\"ok\",\"membership\":\"ok\",\"storage\":\"(ok|failed)\",\"grains\":\"failed\"\\}\\}$", body);
    }
}
