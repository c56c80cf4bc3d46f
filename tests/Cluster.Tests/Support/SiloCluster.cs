// Design: a cluster as operators would run it on one machine: every silo a separate Marketplace.Silo process in
// PostgreSql mode on one database (cluster id = the database name), its own data folder and ports, one shared chunk
// folder (the shared volume of a real deployment), the same API key. Timings are shortened through configuration
// only (membership probes, leases, retries), so the silo under test is the one operators run.
using System.Diagnostics;
using System.Globalization;
using Marketplace.Sdk;
using Marketplace.TestSupport;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>Several silo processes forming one PostgreSQL cluster.</summary>
public sealed class SiloCluster : IAsyncDisposable
{
    /// <summary>The API key every silo accepts (client <see cref="ClientId"/>).</summary>
    public const string ApiKey = "cluster-test-key-alice-0123456789abcdef";

    /// <summary>The client id of <see cref="ApiKey"/>.</summary>
    public const string ClientId = "alice";

    /// <summary>Bound on a silo's start (process start, schema, join, first grain call), generous for a loaded machine.</summary>
    public static readonly TimeSpan StartBound = TimeSpan.FromSeconds(120);

    private readonly List<SiloProcess> _silos = [];
    private readonly string _root;
    private readonly ClusterDatabase _database;

    private SiloCluster(ClusterDatabase database, string root)
    {
        _database = database;
        _root = root;
    }

    /// <summary>The cluster's database.</summary>
    public ClusterDatabase Database => _database;

    /// <summary>The Orleans cluster id (the database name).</summary>
    public string ClusterId => _database.Name;

    /// <summary>Every silo started so far, in start order (stopped and killed ones included).</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>The silos whose process still runs.</summary>
    public IReadOnlyList<SiloProcess> Running => _silos.Where(s => !s.HasExited).ToList();

    /// <summary>Creates a database and starts <paramref name="count"/> silos on it, waiting until each is ready.</summary>
    /// <remarks>The last silo's workers are cheap (see <see cref="Start"/>), so it is sure to run jobs.</remarks>
    public static async Task<SiloCluster> StartAsync(string purpose, int count, string? serverConnectionString = null)
    {
        var database = await ClusterDatabase.CreateAsync(purpose, serverConnectionString);
        var root = Path.Combine(Path.GetTempPath(), "marketplace-cluster-tests", database.Name);
        var cluster = new SiloCluster(database, root);
        try
        {
            var started = Stopwatch.StartNew();
            var silos = Enumerable.Range(0, count).Select(i => cluster.Start(cheap: i == count - 1)).ToList();
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(StartBound)));
            Console.WriteLine($"[cluster] {count} silos of {cluster.ClusterId} ready in {started.Elapsed.TotalSeconds:0.0} s");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo (not waiting for it); <paramref name="extra"/> adds or overrides settings. With
    /// <paramref name="cheap"/> its two workers (<c>s{port}-w1</c>, <c>-w2</c>) ask price 0 instead of 1, so matching
    /// ranks them first while they have room (price weighs most in the bid score). With
    /// <paramref name="developmentKey"/> the silo has no configured API key, so it uses the cluster's development key.</summary>
    public SiloProcess Start(IReadOnlyDictionary<string, string>? extra = null, bool cheap = false, bool developmentKey = false)
    {
        var index = _silos.Count + 1;
        var siloPort = FreeTcpPorts.Next();
        var gatewayPort = FreeTcpPorts.Next();
        var httpPort = FreeTcpPorts.Next();
        var dataFolder = Path.Combine(_root, $"silo-{index}-{siloPort}");
        var settings = Settings(siloPort, gatewayPort, httpPort, dataFolder);
        if (cheap)
        {
            for (var i = 0; i < 2; i++)
            {
                settings[$"Marketplace:Workers:{i}:Id"] = $"s{siloPort}-w{i + 1}";
                settings[$"Marketplace:Workers:{i}:PricePerMillionFuel"] = "0";
                // One run slot each: jobs assigned beyond two wait in the workers' queues, so a burst leaves attempts
                // that are assigned but not yet started for a kill to cut off.
                settings[$"Marketplace:Workers:{i}:Capacity"] = "1";
            }
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        if (developmentKey)
        {
            // No configured keys: the silo uses the cluster's development key.
            settings.Remove("Marketplace:Api:Keys:" + ApiKey);
        }

        var silo = SiloProcess.Start($"silo-{index}", dataFolder, siloPort, gatewayPort, httpPort, $"s{siloPort}-", settings);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>An sdk client on the API of <paramref name="silo"/>.</summary>
    public static HttpMarketplaceClient Client(SiloProcess silo) => silo.NewClient(ApiKey);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (Environment.GetEnvironmentVariable("MARKETPLACE_TEST_KEEP") == "1")
        {
            Console.WriteLine($"[cluster] kept database {_database.Name} and the silos' folders (logs in silo.log) under {_root}");
            return;
        }

        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp folder is cleaned by the OS eventually.
        }
    }

    private Dictionary<string, string> Settings(int siloPort, int gatewayPort, int httpPort, string dataFolder)
    {
        static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:Cluster:Mode"] = "PostgreSql",
            ["Marketplace:Cluster:PostgreSqlConnectionString"] = _database.ConnectionString,
            ["Marketplace:Cluster:ClusterId"] = ClusterId,
            ["Marketplace:Cluster:ServiceId"] = "marketplace-cluster-tests",
            ["Marketplace:Cluster:SiloPort"] = Port(siloPort),
            ["Marketplace:Cluster:GatewayPort"] = Port(gatewayPort),
            ["Marketplace:Http:Urls"] = $"http://127.0.0.1:{Port(httpPort)}",
            ["Marketplace:DataFolder"] = dataFolder,
            ["Marketplace:Blobs:FlushToDisk"] = "false",
            // Two storage providers per silo under ids of its own, as the compose cluster has: three silos place a
            // default 4+2 deal.
            ["Marketplace:Storage:DefaultProviders"] = "2",
            ["Marketplace:Storage:DefaultProviderPrefix"] = $"s{siloPort}-p",
            ["Marketplace:Api:Keys:" + ApiKey] = ClientId,
            // The fault tests poll a dozen jobs every 100 ms while a job stream submits under the same key; the budget is
            // the client's across all silos, so the defaults (200 a second) refused polls. ClusterRateLimitTests sets
            // its own.
            [$"Marketplace:Api:RateLimit:Clients:{ClientId}:RequestsPerSecond"] = "5000",
            [$"Marketplace:Api:RateLimit:Clients:{ClientId}:Burst"] = "10000",
            // Failure detection: probe every 2 s, three missed probes suspect a silo, two votes declare it dead.
            ["Marketplace:Membership:ProbeTimeout"] = "00:00:02",
            ["Marketplace:Membership:TableRefreshTimeout"] = "00:00:02",
            ["Marketplace:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Marketplace:Membership:DeathVoteExpirationTimeout"] = "00:00:30",
            ["Marketplace:Messaging:ResponseTimeout"] = "00:00:15",
            // Jobs: a lost lease is noticed after 3 s, retries start after 0.2 s, the watchdog reminder ticks every 5 s.
            ["Marketplace:Jobs:LeaseDuration"] = "00:00:03",
            ["Marketplace:Jobs:HeartbeatInterval"] = "00:00:00.500",
            ["Marketplace:Jobs:WorkerOfflineAfter"] = "00:00:02",
            ["Marketplace:Jobs:RetryBaseDelay"] = "00:00:00.200",
            ["Marketplace:Jobs:MaxRetryDelay"] = "00:00:02",
            ["Marketplace:Jobs:WatchdogPeriod"] = "00:00:05",
            // A round closes as soon as every online worker has bid, else at the window's end with the bids it has. A
            // bid from another silo process on a loaded 2-core machine can take longer than the default 5 ms, and the
            // tests that need the cheap silo's workers to win would then depend on the load: 100 ms hears them.
            ["Marketplace:Jobs:BidWindow"] = "00:00:00.100",
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",
            [$"Marketplace:Gateway:Services:{TestGatewayServices.Operator}:Secret"] = TestGatewayServices.OperatorSecret,
            [$"Marketplace:Gateway:Services:{TestGatewayServices.Operator}:Operator"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
    }
}
