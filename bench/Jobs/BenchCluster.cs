// Design: the benchmarks' silos, one generic host each in this process, joined by development clustering (the first
// is the primary). All share one data folder (one SQLite file in WAL mode, one chunk store) as silos of one
// deployment share a database; with memory storage, grain state lives in storage grains spread over the silos.
using Marketplace.Grains.Hosting;
using Marketplace.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Jobs.Bench;

/// <summary>N silos in this process on one temporary data folder, deleted on dispose.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly List<IHost> _hosts;

    private BenchCluster(string folder, List<IHost> hosts)
    {
        _folder = folder;
        _hosts = hosts;
    }

    /// <summary>The silos' services, in start order.</summary>
    public IReadOnlyList<IServiceProvider> Silos => _hosts.Select(h => h.Services).ToList();

    /// <summary>
    /// Starts <paramref name="count"/> silos; silo <c>i</c> gets <paramref name="common"/> settings plus
    /// <paramref name="perSilo"/>(i). <paramref name="configure"/> adds providers and features to each silo (storage
    /// and the marketplace's streams, <c>AddMarketplaceStreams</c>, are added here).
    /// </summary>
    public static async Task<BenchCluster> StartAsync(int count, IDictionary<string, string?> common, Func<int, IDictionary<string, string?>> perSilo, bool memoryStorage, Action<ISiloBuilder> configure)
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-jobs-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var hosts = new List<IHost>(count);
        var cluster = new BenchCluster(folder, hosts);
        System.Net.IPEndPoint? primary = null;
        for (var i = 0; i < count; i++)
        {
            var siloPort = FreePort();
            var gatewayPort = FreePort();
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            var settings = new Dictionary<string, string?>(common) { ["Marketplace:DataFolder"] = folder };
            foreach (var (k, v) in perSilo(i))
            {
                settings[k] = v;
            }

            builder.Configuration.AddInMemoryCollection(settings);
            var primaryEndpoint = primary;
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, primaryEndpoint, serviceId: "marketplace-jobs-bench", clusterId: "marketplace-jobs-bench");
                silo.AddMarketplaceStreams();
                if (memoryStorage)
                {
                    silo.AddMemoryGrainStorageAsDefault();
                    silo.AddMemoryGrainStorage("PubSubStore");
                    silo.UseInMemoryReminderService();
                }
                else
                {
                    silo.UseSqliteStorage($"Data Source={Path.Combine(folder, "marketplace.db")}");
                }

                configure(silo);
            });
            var host = builder.Build();
            await host.StartAsync();
            hosts.Add(host);
            primary ??= new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, siloPort);
        }

        // Every silo sees every other as active before any work starts.
        while (!hosts.All(h => h.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == count))
        {
            await Task.Delay(10);
        }

        return cluster;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            await _hosts[i].StopAsync();
            _hosts[i].Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private static readonly HashSet<int> GivenPorts = [];

    /// <summary>A free loopback port not handed out before in this process (Orleans needs its ports before binding).</summary>
    private static int FreePort()
    {
        while (true)
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            if (GivenPorts.Add(port))
            {
                return port;
            }
        }
    }
}
