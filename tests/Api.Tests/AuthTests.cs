using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Marketplace.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiSiloFixture fixture)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Theory]
    [InlineData("GET", "v1/jobs")]
    [InlineData("POST", "v1/jobs")]
    [InlineData("GET", "v1/programs")]
    [InlineData("POST", "v1/blobs")]
    [InlineData("GET", "v1/workers")]
    [InlineData("GET", "v1/client")]
    [InlineData("GET", "v1/blobs/blob0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Missing_key_is_a_401_problem_with_a_challenge(string method, string path)
    {
        using var http = _silo.NewHttpClient();
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await ProblemAssert.IsProblemAsync(response, 401, "unauthorized");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_key_is_a_401_problem_in_both_headers()
    {
        using var http = _silo.NewHttpClient();
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "v1/client");
        bearer.Headers.Authorization = new("Bearer", ApiTestSilo.AliceKey + "x");
        await ProblemAssert.IsProblemAsync(await http.SendAsync(bearer), 401, "unauthorized");

        using var header = new HttpRequestMessage(HttpMethod.Get, "v1/client");
        header.Headers.Add("X-Api-Key", ApiTestSilo.AliceKey[..^1]);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(header), 401, "unauthorized");

        using var basic = new HttpRequestMessage(HttpMethod.Get, "v1/client");
        basic.Headers.Authorization = new("Basic", ApiTestSilo.AliceKey);
        await ProblemAssert.IsProblemAsync(await http.SendAsync(basic), 401, "unauthorized");
    }

    [Fact]
    public async Task Each_key_maps_to_its_client_through_either_header()
    {
        using var http = _silo.NewHttpClient();
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "v1/client");
        bearer.Headers.Authorization = new("Bearer", ApiTestSilo.AliceKey);
        using var alice = await http.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal("alice", (await alice.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["client_id"]);

        using var header = new HttpRequestMessage(HttpMethod.Get, "v1/client");
        header.Headers.Add("X-Api-Key", ApiTestSilo.BobKey);
        using var bob = await http.SendAsync(header);
        Assert.Equal("bob", (await bob.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["client_id"]);
    }

    [Theory]
    [InlineData("v1/health")]
    [InlineData("v1/openapi.json")]
    public async Task Health_and_the_openapi_document_are_public(string path)
    {
        using var http = _silo.NewHttpClient();
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
