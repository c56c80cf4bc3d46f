using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.Cluster.Tests.Support;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;

namespace Marketplace.Cluster.Tests;

/// <summary>
/// Silos of a PostgreSQL cluster with no configured keys, each with a data folder of its own (no shared file), use one
/// development key created once per cluster in its database: the key works on every silo, and a silo that joins
/// later gets the same key.
/// </summary>
public sealed class ClusterDevKeyTests : IAsyncLifetime
{
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
    public async Task Silos_started_together_and_one_joining_later_share_one_development_key()
    {
        _cluster = await SiloCluster.StartAsync("devkey", 0);
        var first = _cluster.Start(cheap: true, developmentKey: true);
        var second = _cluster.Start(developmentKey: true);
        await Task.WhenAll(first.WaitReadyAsync(SiloCluster.StartBound), second.WaitReadyAsync(SiloCluster.StartBound));
        var key = await KeyOfAsync(first);
        Assert.StartsWith("mk_dev_", key, StringComparison.Ordinal);
        Assert.Equal(key, await KeyOfAsync(second));

        var third = _cluster.Start(developmentKey: true);
        await third.WaitReadyAsync(SiloCluster.StartBound);
        Assert.Equal(key, await KeyOfAsync(third));

        using var http = new HttpClient();
        foreach (var silo in new[] { first, second, third })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.BaseAddress, "v1/client"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("dev", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("client_id").GetString());
        }

        await using var connection = new NpgsqlConnection(_cluster.Database.ConnectionString);
        await connection.OpenAsync();
        // One development key for the cluster (the table also holds the silos' call stamp, likewise one).
        await using var count = new NpgsqlCommand("SELECT count(*) FROM MarketplaceClusterSecrets WHERE Name = 'dev-api-key'", connection);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        await using var stamps = new NpgsqlCommand("SELECT count(*) FROM MarketplaceClusterSecrets WHERE Name = 'silo-call-stamp'", connection);
        Assert.Equal(1L, (long)(await stamps.ExecuteScalarAsync())!);
    }

    // Each silo keeps a copy of the cluster's key in its own data folder.
    private static async Task<string> KeyOfAsync(SiloProcess silo) =>
        (await File.ReadAllTextAsync(Path.Combine(silo.DataFolder, "dev-api-key"))).Trim();
}
