using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>Each API key's client has its own token bucket: one client over its limit gets 429 with Retry-After,
/// another client is unaffected, and public endpoints are not limited.</summary>
public sealed class RateLimitTests
{
    private const int Burst = 5;

    [Fact]
    public async Task A6_A_client_over_its_limit_gets_429_with_retry_after_and_other_clients_are_unaffected()
    {
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Api:RateLimit:Clients:alice:RequestsPerSecond"] = "1",
            ["Marketplace:Api:RateLimit:Clients:alice:Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
        });
        using var http = silo.NewHttpClient();

        // The bucket refills one request per second, so within the elapsed time at most Burst + seconds + 1 requests
        // can pass; 40 requests sent back to back must meet a 429 long before that on any machine that sends a
        // request in under a second.
        var clock = Stopwatch.StartNew();
        var admitted = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var response = await http.SendAsync(Get("v1/client", ApiTestSilo.AliceKey));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                admitted++;
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.InRange(admitted, Burst, Burst + (int)Math.Ceiling(clock.Elapsed.TotalSeconds) + 1);
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
            await ProblemAssert.IsProblemAsync(refused, 429, "rate_limited");
        }

        // Bob's bucket is his own; the health probe needs no key and takes no token.
        using var bob = await http.SendAsync(Get("v1/client", ApiTestSilo.BobKey));
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        using var health = await http.GetAsync(new Uri("v1/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Requests_forged_with_a_stolen_api_key_but_no_signing_secret_do_not_spend_the_owners_budget()
    {
        byte[] secret = [.. Enumerable.Range(0, 32).Select(i => (byte)(i + 7))];
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Api:RateLimit:Clients:alice:RequestsPerSecond"] = "1",
            ["Marketplace:Api:RateLimit:Clients:alice:Burst"] = "2",
            ["Marketplace:Api:SigningKeys:alice-k1:Client"] = "alice",
            ["Marketplace:Api:SigningKeys:alice-k1:Secret"] = Convert.ToBase64String(secret),
            ["Marketplace:Api:RequireSignedRequests:alice"] = "true",
        });

        // The thief's forged and unsigned requests are refused before they take a token: with a burst of 2, a
        // single one charged would leave the owner's bucket drained long before the 40th.
        var forgedSecret = secret.ToArray();
        forgedSecret[0] ^= 0xff;
        using var thief = new HttpMarketplaceClient(silo.BaseAddress, ApiTestSilo.AliceKey, new RequestSigningKey("alice-k1", forgedSecret));
        using var unsigned = new HttpMarketplaceClient(silo.BaseAddress, ApiTestSilo.AliceKey);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("signature_invalid", (await Assert.ThrowsAsync<HttpApiException>(() => thief.ConnectAsync())).Code);
            Assert.Equal("signature_required", (await Assert.ThrowsAsync<HttpApiException>(() => unsigned.ConnectAsync())).Code);
        }

        using var owner = new HttpMarketplaceClient(silo.BaseAddress, ApiTestSilo.AliceKey, new RequestSigningKey("alice-k1", secret));
        Assert.Equal("alice", await owner.ConnectAsync());
        Assert.Equal("alice", await owner.ConnectAsync());
    }

    [Fact]
    public async Task A_limit_that_could_never_admit_a_request_stops_the_silo_at_start_naming_the_field()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Api:RateLimit:Clients:alice:Burst"] = "0",
            ["Marketplace:Api:RateLimit:Clients:alice:RequestsPerSecond"] = "3",
        }));
        Assert.Contains("Marketplace:Api:RateLimit:Clients:alice:Burst is 0", failure.Message, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Get(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }
}
