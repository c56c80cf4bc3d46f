using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(ApiSiloFixture fixture, ITestOutputHelper output)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Every_mapped_v1_endpoint_is_in_the_document()
    {
        using var http = _silo.NewHttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync("v1/openapi.json"));
        var paths = document.RootElement.GetProperty("paths");

        var checkedCount = 0;
        var sources = _silo.App.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in sources.Endpoints)
        {
            if (endpoint is not RouteEndpoint route || route.RoutePattern.RawText is not { } pattern
                || !pattern.StartsWith("/v1/", StringComparison.Ordinal) || pattern == "/v1/openapi.json")
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.NotEmpty(methods);
            Assert.True(paths.TryGetProperty(pattern, out var item), $"{pattern} is missing from the OpenAPI document");
            foreach (var method in methods)
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {pattern} is missing from the OpenAPI document");
                Assert.True(operation.TryGetProperty("responses", out _), $"{method} {pattern} has no responses");
                checkedCount++;
            }
        }

        output.WriteLine($"{checkedCount} operations checked");
        Assert.True(checkedCount >= 18, $"only {checkedCount} /v1 operations were found");
    }

    [Fact]
    public async Task Schemas_use_the_wire_names()
    {
        using var http = _silo.NewHttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync("v1/openapi.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var submission = schemas.GetProperty("JobSubmission").GetProperty("properties");
        Assert.True(submission.TryGetProperty("input_base64", out _));
        Assert.True(submission.TryGetProperty("input_blob_id", out _));
        Assert.False(submission.TryGetProperty("client_id", out _));
        Assert.False(submission.TryGetProperty("input_inline", out _));
        var deployment = schemas.GetProperty("ProgramDeployment").GetProperty("properties");
        Assert.True(deployment.TryGetProperty("wasm_base64", out _));
        Assert.True(deployment.TryGetProperty("signature_hex", out _));
        Assert.True(schemas.GetProperty("ApiProblem").GetProperty("properties").TryGetProperty("trace_id", out _));
        Assert.Equal("Marketplace API", document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }
}
