using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Sdk;
using Marketplace.Silo.Hosting;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>
/// A real silo with the marketplace grains on embedded defaults (SQLite in a fresh temp folder, memory streams, the
/// chunk store) and an open client gateway on a free loopback port, built the way silo/Program.cs builds it.
/// <see cref="ConnectAsync()"/> opens a real gateway connection; the folder is deleted on dispose.
/// </summary>
public sealed class GatewayTestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<GatewayConnection> _clients = [];

    private GatewayTestSilo(string dataFolder, IHost host, int port)
    {
        DataFolder = dataFolder;
        _host = host;
        Gateway = $"127.0.0.1:{port}";
    }

    /// <summary>The silo's data folder.</summary>
    public string DataFolder { get; }

    /// <summary>The gateway address, host:port.</summary>
    public string Gateway { get; }

    /// <summary>The operator service every test connection uses.</summary>
    public static GatewayCredential OperatorCredential { get; } = new(TestGatewayServices.Operator, TestGatewayServices.OperatorSecret);

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a silo; <paramref name="settings"/> are extra configuration keys.</summary>
    public static async Task<GatewayTestSilo> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreeTcpPorts.Next();
        var host = await BuildAndStartAsync(folder, port, settings);
        return new GatewayTestSilo(folder, host, port);
    }

    public Task<IClusterClient> ConnectAsync() => ConnectAsync(OperatorCredential);

    /// <summary>A new gateway connection as the service of <paramref name="credential"/>.</summary>
    public async Task<IClusterClient> ConnectAsync(GatewayCredential credential)
    {
        var connection = await GatewayConnection.ConnectAsync([Gateway], credential);
        _clients.Add(connection);
        return connection.Client;
    }

    /// <summary>A <see cref="GrainMarketplaceClient"/> over a new gateway connection, acting as <paramref name="clientId"/>.</summary>
    public async Task<GrainMarketplaceClient> MarketplaceAsync(string clientId = "tests") =>
        new(await ConnectAsync(), clientId);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing; the OS cleans the temp folder eventually.
        }
    }

    private static async Task<IHost> BuildAndStartAsync(string folder, int port, IDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:DataFolder"] = folder,
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",
            ["Marketplace:Cluster:SiloPort"] = FreeTcpPorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:ServiceId"] = "marketplace-api-tests",
        };
        TestGatewayServices.AddTo(settings);
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            silo.UseMarketplaceCluster(folder);
            silo.AddMarketplaceStreams();
            silo.AddMarketplace();
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
