using System.Text;
using Marketplace.Api.Tests.Abuse;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>JSON request bodies are strict (UTF-8, no duplicate keys, no unknown members, no null where the type has
/// none) and their errors name the JSON path and the wire field, never a .NET type or member.</summary>
[Collection(ApiCollection.Name)]
public sealed class StrictJsonTests(ApiSiloFixture fixture)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Theory]
    [InlineData("{\"program\": \"echo\", \"program\": \"other\"}", "$.program: duplicate key")]
    [InlineData("{\"program\": \"echo\", \"labels\": {\"a\": \"1\", \"a\": \"2\"}}", "$.labels.a: duplicate key")]
    [InlineData("{\"program\": \"echo\", \"surprise\": 1}", "$.surprise: unknown member")]
    [InlineData("{\"program\": \"echo\", \"max_fuel\": 9223372036854775808}", "$.max_fuel: expected an integer from 0 to 500000000")]
    [InlineData("{\"program\": \"echo\", \"max_fuel\": \"lots\"}", "$.max_fuel: expected an integer from 0 to 500000000")]
    [InlineData("{\"program\": \"echo\", \"max_retries\": 1.5}", "$.max_retries: expected an integer from 0 to 10")]
    [InlineData("{\"program\": \"echo\", \"ttl_ms\": null}", "$.ttl_ms: expected an integer from 0 to 31536000000")]
    [InlineData("{\"program\": null}", "$.program: expected a string")]
    [InlineData("{\"program\": \"echo\", \"labels\": null}", "$.labels: expected an object whose values are each a string")]
    [InlineData("{\"program\": \"echo\", \"args\": [\"a\", 2]}", "$.args[1]: expected a string")]
    [InlineData("{\"program\": \"echo\", \"input_base64\": \"***\"}", "$.input_base64: expected a base64 string")]
    [InlineData("{}", "$: missing required member program")]
    [InlineData("[1]", "$: expected a JSON object, not an array")]
    [InlineData("", "$: the body is empty")]
    public async Task Job_bodies_are_strict_and_named_by_path(string body, string detail)
    {
        var problem = await PostAsync("v1/jobs", body, "application/json", 400, "invalid_json");
        AssertDetail(problem, detail);
    }

    [Theory]
    [InlineData("{\"wasm_base64\": \"AA==\", \"signature_hex\": \"00\", \"manifest\": {\"name\": \"a\", \"name\": \"b\", \"version\": \"1.0.0\"}}", "$.manifest.name: duplicate key")]
    [InlineData("{\"wasm_base64\": \"AA==\", \"signature_hex\": \"00\", \"manifest\": {\"name\": \"a\", \"version\": \"1.0.0\", \"zz\": 1}}", "$.manifest.zz: unknown member")]
    [InlineData("{\"wasm_base64\": \"AA==\", \"signature_hex\": \"00\", \"manifest\": {\"name\": \"a\", \"version\": \"1.0.0\", \"max_fuel\": 9007199254740993.5}}", "$.manifest.max_fuel: expected an integer from 0 to 500000000")]
    [InlineData("{\"wasm_base64\": \"AA==\", \"signature_hex\": \"xyz\", \"manifest\": {\"name\": \"a\", \"version\": \"1.0.0\"}}", "$.signature_hex: expected a string of hex digits")]
    public async Task Deploy_bodies_are_strict_and_named_by_path(string body, string detail)
    {
        var problem = await PostAsync("v1/programs", body, "application/json", 400, "invalid_json");
        AssertDetail(problem, detail);
    }

    [Theory]
    [InlineData("ttl_ms", "9223372036854775807", "$.ttl_ms: expected an integer from 0 to 31536000000")]
    [InlineData("max_fuel", "500000001", "$.max_fuel: expected an integer from 0 to 500000000")]
    [InlineData("max_memory_bytes", "-1", "$.max_memory_bytes: expected an integer from 0 to")]
    [InlineData("max_memory_bytes", "1", "$.max_memory_bytes: expected 0 or at least 65536 (one WebAssembly page), got 1")]
    [InlineData("max_memory_bytes", "65535", "$.max_memory_bytes: expected 0 or at least 65536 (one WebAssembly page), got 65535")]
    [InlineData("timeout_ms", "9007199254740992", "$.timeout_ms: expected an integer from 0 to 300000")]
    [InlineData("max_price_per_million_fuel", "-9223372036854775808", "$.max_price_per_million_fuel: expected an integer from 0 to")]
    [InlineData("max_retries", "11", "$.max_retries: expected an integer from 0 to 10")]
    public async Task Out_of_range_numbers_are_invalid_requests_naming_the_wire_field(string field, string value, string detail)
    {
        var problem = await PostAsync("v1/jobs", $"{{\"program\": \"echo\", \"{field}\": {value}}}", "application/json", 400, "invalid_request");
        AssertDetail(problem, detail);
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=\"utf-32\"")]
    public async Task A_charset_other_than_utf8_is_unsupported_charset(string contentType)
    {
        var problem = await PostAsync("v1/jobs", "{\"program\": \"echo\"}", contentType, 415, "unsupported_charset");
        AssertDetail(problem, "charset");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    public async Task Utf8_charset_is_accepted(string contentType) =>
        await PostAsync("v1/jobs", "{\"program\": \"no-such-program-strict\"}", contentType, 404, "program_not_found");

    private async Task<System.Text.Json.JsonElement> PostAsync(string path, string body, string contentType, int status, string code)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await http.PostAsync(path, content);
        return await ProblemAssert.IsProblemAsync(response, status, code);
    }

    private static void AssertDetail(System.Text.Json.JsonElement problem, string expected)
    {
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        foreach (var (word, pattern) in AbuseTests.ForbiddenWords())
        {
            Assert.False(pattern.IsMatch(detail), $"the detail names '{word}': {detail}");
        }
    }
}
