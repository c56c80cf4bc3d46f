using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Marketplace.Cluster.Tests.Support;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>
/// A client's rate limit is one budget for the whole PostgreSQL cluster: requests spread over two silos are admitted
/// at the configured rate in all, not at the rate on each silo.
/// </summary>
public sealed class ClusterRateLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Burst = 8;
    private const int Rate = 2;
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
    public async Task Requests_spread_over_two_silos_are_admitted_at_the_clients_rate_in_all()
    {
        _cluster = await SiloCluster.StartAsync("ratelimit", 0);
        var limits = new Dictionary<string, string>
        {
            [$"Marketplace:Api:RateLimit:Clients:{SiloCluster.ClientId}:RequestsPerSecond"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"Marketplace:Api:RateLimit:Clients:{SiloCluster.ClientId}:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var silos = new[] { _cluster.Start(limits, cheap: true), _cluster.Start(limits) };
        await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(SiloCluster.StartBound)));

        // Alternating silos, as a load balancer would: within the elapsed time the cluster may admit at most the burst,
        // the rate over the elapsed seconds and one slice of each silo's (a slice is at least one request). Each silo
        // on its own bucket would admit twice the burst at once.
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        var admitted = new int[2];
        var refused = 0;
        for (var i = 0; i < 4 * Burst; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silos[i % 2].BaseAddress, "v1/client"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                admitted[i % 2]++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                refused++;
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"admitted {admitted[0]} + {admitted[1]}, refused {refused}, in {seconds:0.00} s");
        Assert.InRange(admitted[0] + admitted[1], Burst, Burst + (int)Math.Ceiling(seconds * Rate) + 2);
        Assert.True(admitted[0] > 0 && admitted[1] > 0, "both silos admit from the shared budget");
    }
}
