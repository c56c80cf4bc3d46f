// Design: several real silos in one process on Orleans' own test cluster (Microsoft.Orleans.TestingHost's
// InProcessTestCluster): its in-memory membership table, grain directory and connection transport join the silos, and
// it stops (gracefully) or kills (a cancelled stop, no goodbye to the cluster) any one of them. Each silo is otherwise a
// generic host built the way MarketplaceTestSilo builds one, with its own settings (its own workers), and all share one
// data folder: one SQLite file (WAL, busy timeout) for grain state and reminders, one chunk store, one worker key
// folder, as silos of one deployment share a database. Silos start one after another, so each picks up its own
// settings. Start returns once every silo sees every other as active and knows its metadata (the worker ids it hosts),
// which is what worker placement reads.
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Grains.Workers;
using Marketplace.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>A cluster of marketplace silos in this process on one shared data folder; deleted on dispose.</summary>
internal sealed class MarketplaceTestCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private readonly InProcessTestCluster _cluster;

    private MarketplaceTestCluster(string dataFolder, InProcessTestCluster cluster, List<ClusterSilo> silos)
    {
        DataFolder = dataFolder;
        _cluster = cluster;
        Silos = silos;
    }

    /// <summary>The shared data folder.</summary>
    public string DataFolder { get; }

    /// <summary>The silos in start order.</summary>
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

        // The settings of the silo being started; silos start one at a time, so the host delegate reads this one.
        IDictionary<string, string?>? starting = null;
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 0);
        builder.Options.ClusterId = "marketplace-cluster-tests";
        builder.Options.ServiceId = "marketplace-cluster-tests";
        builder.Options.ConfigureFileLogging = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSiloHost((_, host) => ConfigureSilo(host, folder, starting ?? throw new InvalidOperationException("a silo started outside StartAsync"), configure));

        var testCluster = builder.Build();
        var silos = new List<ClusterSilo>(siloSettings.Count);
        var cluster = new MarketplaceTestCluster(folder, testCluster, silos);
        try
        {
            await testCluster.DeployAsync();
            for (var i = 0; i < siloSettings.Count; i++)
            {
                starting = siloSettings[i];
                var handle = (await testCluster.StartSilosAsync(1)).Single();
                silos.Add(new ClusterSilo(((char)('A' + i)).ToString(), handle, testCluster));
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
        await silo.StopAsync();
        await WaitUntilGoneAsync(silo);
    }

    /// <summary>Kills silo <paramref name="index"/>: its host stops at once, without leaving the cluster (as a crashed
    /// process would); waits until the other silos declare it dead.</summary>
    public async Task KillSiloAsync(int index)
    {
        var silo = Silos[index];
        await silo.KillAsync();
        await WaitUntilGoneAsync(silo);
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
        for (var i = Silos.Count - 1; i >= 0; i--)
        {
            await Silos[i].StopAsync();
        }

        await _cluster.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizer-owned handle; the temp folder is cleaned by the OS eventually.
        }
    }

    private static void ConfigureSilo(IHostApplicationBuilder host, string folder, IDictionary<string, string?> siloSettings, Action<ISiloBuilder>? configure)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:DataFolder"] = folder,
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",
        };
        foreach (var (k, v) in siloSettings)
        {
            settings[k] = v;
        }

        host.Logging.ClearProviders();
        host.Logging.SetMinimumLevel(LogLevel.Warning);
        host.Configuration.AddInMemoryCollection(settings);
        host.UseOrleans(silo =>
        {
            silo.Services.Configure<ReminderOptions>(host.Configuration.GetSection("Marketplace:Reminders"));
            silo.AddMarketplaceStreams();
            silo.UseSqliteStorage($"Data Source={Path.Combine(folder, "marketplace.db")}");
            silo.AddMarketplace();
            configure?.Invoke(silo);
        });
    }

    private Task WaitUntilGoneAsync(ClusterSilo silo) => WaitAsync(
        () => Task.FromResult(Running().All(s => !s.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.TryGetValue(silo.Address, out var m) || m.Status != SiloStatus.Active)),
        () => $"silo {silo.Name} ({silo.Address}) still active in the others' membership view");

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
}

/// <summary>One silo of a <see cref="MarketplaceTestCluster"/>.</summary>
internal sealed class ClusterSilo(string name, InProcessSiloHandle handle, InProcessTestCluster cluster)
{
    /// <summary>A, B, C... in start order.</summary>
    public string Name { get; } = name;

    /// <summary>The silo's address in the cluster.</summary>
    public SiloAddress Address { get; } = handle.SiloAddress;

    /// <summary>The silo's grain factory: calls made through it start on this silo.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services { get; } = handle.ServiceProvider;

    /// <summary>The executors of the workers this silo hosts.</summary>
    public LocalWorkers Workers => Services.GetRequiredService<LocalWorkers>();

    /// <summary>True once stopped or killed.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Stops the silo gracefully and disposes its host (once).</summary>
    public Task StopAsync() => EndAsync(kill: false);

    /// <summary>Kills the silo (a stop with a cancelled token: no graceful shutdown) and disposes its host (once).</summary>
    public Task KillAsync() => EndAsync(kill: true);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Address})";

    private async Task EndAsync(bool kill)
    {
        if (Stopped)
        {
            return;
        }

        Stopped = true;
        await (kill ? cluster.KillSiloAsync(handle) : cluster.StopSiloAsync(handle));
    }
}
