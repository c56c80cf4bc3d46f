using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>Two in-process silos on one fresh PostgreSQL database, plus a client, shared by <see cref="PostgreSqlClusterTests"/>.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private readonly List<IHost> _silos = [];
    private PostgresDatabase? _database;
    private IHost? _client;

    /// <summary>The cluster's database.</summary>
    public PostgresDatabase Database => _database ?? throw new InvalidOperationException("PostgreSQL is not configured");

    /// <summary>The cluster's identity.</summary>
    public ClusterIdentity Cluster { get; private set; } = null!;

    /// <summary>The silo ports of the running silos.</summary>
    public List<int> SiloPorts { get; } = [];

    /// <summary>The running silo hosts.</summary>
    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>The external client (connected through a gateway found in the membership table).</summary>
    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        if (ExternalService.SkipReasonUnlessConfigured(PostgresFactAttribute.Variable, string.Empty) is not null)
        {
            return; // every test of the class is skipped loudly by [PostgresFact]
        }

        _database = await PostgresDatabase.CreateAsync("cluster");
        Cluster = ClusterIdentity.New(_database);
        for (var i = 0; i < 2; i++)
        {
            var (host, port) = TestSilo.Build(Cluster);
            await host.StartAsync();
            _silos.Add(host);
            SiloPorts.Add(port);
        }

        _client = await TestSilo.StartClientAsync(Cluster);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await silo.StopAsync(bound.Token);
            silo.Dispose();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
