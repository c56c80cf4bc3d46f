using System.Net;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Silo.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Api.Tests.Dashboard;

/// <summary>
/// The dashboards' guard as a caller on another machine meets it (a published container port, a load balancer):
/// loopback callers pass as before; others need an operator's API key, given as Basic credentials (the browser's
/// sign-in prompt), a Bearer token or X-Api-Key. The remote address is set on the request, so no traffic leaves the
/// machine; the Docker cluster's chaos run checks the same through a real published port.
/// </summary>
public sealed class OperatorOnlyMiddlewareTests
{
    private const string OperatorKey = "mk_operator_key_0123456789";
    private const string ClientKey = "mk_client_key_0123456789";
    private static readonly IPAddress Remote = IPAddress.Parse("192.0.2.10");

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task A_loopback_caller_passes_without_a_key(string address)
    {
        Assert.True(await PassesAsync(IPAddress.Parse(address), "/dashboard", authorization: null));
    }

    [Fact]
    public async Task Paths_outside_the_dashboards_are_not_guarded()
    {
        Assert.True(await PassesAsync(Remote, "/v1/health/ready", authorization: null));
        Assert.True(await PassesAsync(Remote, "/dashboards-not", authorization: null));
    }

    [Theory]
    [InlineData("Basic")]
    [InlineData("Bearer")]
    [InlineData("X-Api-Key")]
    public async Task A_remote_operator_passes_with_its_key(string scheme)
    {
        Assert.True(scheme == "X-Api-Key"
            ? await PassesAsync(Remote, "/dashboard/marketplace", authorization: null, apiKeyHeader: OperatorKey)
            : await PassesAsync(Remote, "/dashboard/marketplace", Credentials(scheme, OperatorKey)));
    }

    [Fact]
    public async Task A_remote_caller_without_a_key_gets_a_basic_challenge()
    {
        var problem = await Assert.ThrowsAsync<ApiProblemException>(() => PassesAsync(Remote, "/dashboard", authorization: null));
        Assert.Equal(ProblemCodes.Unauthorized, problem.Code);
        Assert.Equal(OperatorOnlyMiddleware.Challenge, problem.Headers["WWW-Authenticate"]);
        Assert.Contains("operator's API key", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic ")]
    [InlineData("Basic dXNlcm9ubHk=")]            // "useronly": no password
    [InlineData("Basic b3BlcmF0b3I6")]            // "operator:": an empty password
    [InlineData("Bearer mk_unknown_key_0123456789")]
    [InlineData("Digest username=\"x\"")]
    public async Task A_remote_caller_with_a_malformed_or_unknown_key_is_refused(string authorization)
    {
        var problem = await Assert.ThrowsAsync<ApiProblemException>(() => PassesAsync(Remote, "/dashboard", authorization));
        Assert.Equal(ProblemCodes.Unauthorized, problem.Code);
        Assert.Equal(OperatorOnlyMiddleware.Challenge, problem.Headers["WWW-Authenticate"]);
    }

    [Fact]
    public async Task A_remote_client_that_is_not_an_operator_is_told_which_setting_opens_it()
    {
        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => PassesAsync(Remote, "/dashboard", Credentials("Basic", ClientKey)));
        Assert.Contains("Marketplace:Api:Operators", denied.Message, StringComparison.Ordinal);
        Assert.Contains("Marketplace__Api__Operators__0=alice", denied.Message, StringComparison.Ordinal);
    }

    private static string Credentials(string scheme, string key) =>
        scheme == "Basic" ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + key)) : "Bearer " + key;

    private static async Task<bool> PassesAsync(IPAddress remote, string path, string? authorization, string? apiKeyHeader = null)
    {
        var keys = new ApiKeyRegistry([new(OperatorKey, "ops"), new(ClientKey, "alice")]);
        var limiter = new ClientRateLimiter(Options.Create(new RateLimitOptions()));
        var options = Options.Create(new ApiOptions { Operators = ["ops"] });
        var passed = false;
        var middleware = new OperatorOnlyMiddleware(_ => { passed = true; return Task.CompletedTask; }, "/dashboard", keys, limiter, options);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = remote;
        context.Request.Path = path;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (apiKeyHeader is not null)
        {
            context.Request.Headers[ApiKeyMiddleware.HeaderName] = apiKeyHeader;
        }

        await middleware.InvokeAsync(context);
        return passed;
    }
}
