using Marketplace.Grains.Hosting;
using Marketplace.Grains.Jobs.TestHooks;
using Marketplace.Grains.Workers.TestHooks;
using Marketplace.Persistence.Sqlite;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Tests;

/// <summary>
/// A real silo with the marketplace on embedded defaults (SQLite storage and reminders, memory streams, the chunk
/// store) in a fresh temporary data folder, built the way silo/Program.cs builds it. Restart with
/// <see cref="RestartAsync"/> to prove durability; the folder is deleted on dispose.
/// </summary>
public sealed class MarketplaceTestSilo : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly UnlistedJobMoves _unlistedMoves;
    private IHost _host;

    private MarketplaceTestSilo(string dataFolder, Dictionary<string, string?> settings, Action<IServiceCollection>? services, UnlistedJobMoves unlistedMoves, IHost host)
    {
        DataFolder = dataFolder;
        _settings = settings;
        _services = services;
        _unlistedMoves = unlistedMoves;
        _host = host;
    }

    /// <summary>The silo's data folder (SQLite file, chunk store).</summary>
    public string DataFolder { get; }

    /// <summary>The grain factory of the running silo.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The running silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a silo. <paramref name="settings"/> are configuration keys such as
    /// <c>Marketplace:Blobs:MaxBlobBytes</c>; <paramref name="services"/> registers test services after the
    /// marketplace's (again at each restart), e.g. a clock.</summary>
    public static async Task<MarketplaceTestSilo> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:DataFolder"] = folder,
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",
            ["Marketplace:Cluster:SiloPort"] = FreeTcpPorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = FreeTcpPorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (settings is not null)
        {
            foreach (var (k, v) in settings)
            {
                all[k] = v;
            }
        }

        var unlistedMoves = new UnlistedJobMoves();
        var host = await BuildAndStartAsync(folder, all, services, unlistedMoves);
        return new MarketplaceTestSilo(folder, all, services, unlistedMoves, host);
    }

    /// <summary>Stops the silo gracefully and starts a new one on the same data folder.</summary>
    public async Task RestartAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _host = await BuildAndStartAsync(DataFolder, _settings, _services, _unlistedMoves);
    }

    /// <summary>Stops the silo and deletes its folder. Throws when a job made a move its lifecycle table does not
    /// list (grains/Jobs/JobLifecycle.cs), failing the test that caused it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizer-owned handle; the temp folder is cleaned by the OS eventually.
        }

        if (_unlistedMoves.Moves.Count > 0)
        {
            throw new InvalidOperationException("jobs made moves their lifecycle table does not list: " + string.Join("; ", _unlistedMoves.Moves));
        }
    }

    private static async Task<IHost> BuildAndStartAsync(string folder, IDictionary<string, string?> settings, Action<IServiceCollection>? services, UnlistedJobMoves unlistedMoves)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(unlistedMoves);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(settings);
        var siloPort = int.Parse(settings["Marketplace:Cluster:SiloPort"]!, System.Globalization.CultureInfo.InvariantCulture);
        var gatewayPort = int.Parse(settings["Marketplace:Cluster:GatewayPort"]!, System.Globalization.CultureInfo.InvariantCulture);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "marketplace-tests");
            silo.Services.Configure<ReminderOptions>(builder.Configuration.GetSection("Marketplace:Reminders"));
            silo.AddMarketplaceStreams();
            silo.UseSqliteStorage($"Data Source={Path.Combine(folder, "marketplace.db")}");
            silo.AddMarketplace();
            silo.Services.AddSingleton<WorkerFaultInjection>();
            silo.Services.AddSingleton<IWorkerLinkFaults>(sp => sp.GetRequiredService<WorkerFaultInjection>());
            silo.Services.AddSingleton<SettlementFaultInjection>();
            silo.Services.AddSingleton<ClientListFaultInjection>();
            services?.Invoke(silo.Services);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
