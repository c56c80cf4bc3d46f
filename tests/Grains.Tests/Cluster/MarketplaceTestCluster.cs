// Design: several real silos in one process, each a generic host built the way MarketplaceTestSilo builds one, joined
// by development clustering (the first silo is the primary and keeps the membership table, so it is never stopped).
// Each silo has its own settings (its own workers), and all share one data folder: one SQLite file (WAL, busy
// timeout) for grain state and reminders, one chunk store, one worker key folder, as silos of one deployment share
// a database. Start returns once every silo sees every other as active and knows its metadata (the worker ids it
// hosts), which is what worker placement reads.
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Grains.Workers;
using Marketplace.Persistence.Sqlite;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>A cluster of marketplace silos in this process on one shared data folder; deleted on dispose.</summary>
internal sealed class MarketplaceTestCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private MarketplaceTestCluster(string dataFolder, List<ClusterSilo> silos)
    {
        DataFolder = dataFolder;
        Silos = silos;
    }

    /// <summary>The shared data folder.</summary>
    public string DataFolder { get; }

    /// <summary>The silos in start order; the first is the primary.</summary>
    public IReadOnlyList<ClusterSilo> Silos { get; }

    /// <summary>Silo <paramref name="index"/>.</summary>
    public ClusterSilo this[int index] => Silos[index];

    /// <summary>
    /// Starts one silo per entry of <paramref name="siloSettings"/> (configuration keys such as
    /// <c>Marketplace:Workers:0:Id</c>), waits until they form one cluster and until the directory lists
    /// <paramref name="workers"/> online workers. <paramref name="configure"/> adds anything more to every silo, e.g. a
    /// default placement.
    /// </summary>
    public static async Task<MarketplaceTestCluster> StartAsync(IReadOnlyList<IDictionary<string, string?>> siloSettings, int workers, Action<ISiloBuilder>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-tests", "cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var silos = new List<ClusterSilo>(siloSettings.Count);
        var cluster = new MarketplaceTestCluster(folder, silos);
        try
        {
            System.Net.IPEndPoint? primary = null;
            for (var i = 0; i < siloSettings.Count; i++)
            {
                var siloPort = FreeTcpPorts.Next();
                var host = await BuildAndStartAsync(folder, siloSettings[i], siloPort, FreeTcpPorts.Next(), primary, configure);
                primary ??= new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, siloPort);
                silos.Add(new ClusterSilo(((char)('A' + i)).ToString(), host));
            }

            await cluster.WaitForMembershipAsync(silos.Count);
            await cluster.WaitForWorkersAsync(workers);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops silo <paramref name="index"/> gracefully (its workers' executors stop without reporting) and
    /// waits until the other silos see it leave.</summary>
    public async Task StopSiloAsync(int index)
    {
        var silo = Silos[index];
        var address = silo.Address;
        await silo.StopAsync();
        await WaitAsync(
            () => Task.FromResult(Running().All(s => !s.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.TryGetValue(address, out var m) || m.Status != SiloStatus.Active)),
            () => $"silo {silo.Name} ({address}) still active in the others' membership view");
    }

    /// <summary>The silos still running.</summary>
    public IEnumerable<ClusterSilo> Running() => Silos.Where(s => !s.Stopped);

    /// <summary>Waits, polling every 20 ms, until <paramref name="done"/> holds; throws with <paramref name="describe"/>
    /// after <paramref name="bound"/> (default 60 s).</summary>
    public static async Task WaitAsync(Func<Task<bool>> done, Func<string> describe, TimeSpan? bound = null)
    {
        var deadline = DateTime.UtcNow + (bound ?? StartBound);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(describe());
            }

            await Task.Delay(20);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The primary last: the others need its membership table to leave cleanly.
        for (var i = Silos.Count - 1; i >= 0; i--)
        {
            await Silos[i].StopAsync();
        }

        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizer-owned handle; the temp folder is cleaned by the OS eventually.
        }
    }

    private Task WaitForMembershipAsync(int count) => WaitAsync(
        () => Task.FromResult(Silos.All(s =>
        {
            var snapshot = s.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;
            var metadata = s.Services.GetRequiredService<ISiloMetadataCache>();
            var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).ToList();
            return active.Count == count && active.All(m => metadata.GetSiloMetadata(m.SiloAddress) is { } md && md.Metadata.ContainsKey(WorkerHostPlacement.MetadataKey));
        })),
        () => "silos did not form one cluster: " + string.Join("; ", Silos.Select(s =>
            $"{s.Name} sees " + string.Join(", ", s.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Select(m => $"{m.SiloAddress} {m.Status}")))));

    private Task WaitForWorkersAsync(int count)
    {
        var directory = Silos[0].Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        return WaitAsync(
            async () => (await directory.ListOnlineIdsAsync()).Length >= count,
            () => $"fewer than {count} workers online: " + string.Join(", ", directory.ListOnlineIdsAsync().GetAwaiter().GetResult()));
    }

    private static async Task<IHost> BuildAndStartAsync(string folder, IDictionary<string, string?> siloSettings, int siloPort, int gatewayPort, System.Net.IPEndPoint? primary, Action<ISiloBuilder>? configure)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:DataFolder"] = folder,
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",
            ["Marketplace:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in siloSettings)
        {
            settings[k] = v;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary, serviceId: "marketplace-cluster-tests", clusterId: "marketplace-cluster-tests");
            silo.Services.Configure<ReminderOptions>(builder.Configuration.GetSection("Marketplace:Reminders"));
            silo.AddMarketplaceStreams();
            silo.UseSqliteStorage($"Data Source={Path.Combine(folder, "marketplace.db")}");
            silo.AddMarketplace();
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }
}

/// <summary>One silo of a <see cref="MarketplaceTestCluster"/>.</summary>
internal sealed class ClusterSilo(string name, IHost host)
{
    /// <summary>A, B, C... in start order.</summary>
    public string Name { get; } = name;

    /// <summary>The silo's address in the cluster.</summary>
    public SiloAddress Address { get; } = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>The silo's grain factory: calls made through it start on this silo.</summary>
    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => host.Services;

    /// <summary>The executors of the workers this silo hosts.</summary>
    public LocalWorkers Workers => host.Services.GetRequiredService<LocalWorkers>();

    /// <summary>True once stopped.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Stops and disposes the host (once).</summary>
    public async Task StopAsync()
    {
        if (Stopped)
        {
            return;
        }

        Stopped = true;
        try
        {
            await host.StopAsync();
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Address})";
}
