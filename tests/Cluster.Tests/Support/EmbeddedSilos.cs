// Design: silos as a single operator runs one (`dotnet Marketplace.Silo.dll` on the embedded defaults: localhost
// clustering, SQLite and chunks under its own data folder), each a cluster of its own with its own ports, so two of
// them share nothing but the binaries. Needs no outside service.
using System.Globalization;
using Marketplace.TestSupport;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>Independent single-silo processes on the embedded defaults.</summary>
public sealed class EmbeddedSilos : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "marketplace-embedded-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The silos started so far, in start order.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Starts <paramref name="count"/> silo processes at once and waits (bounded by
    /// <see cref="SiloCluster.StartBound"/>) until each is ready.</summary>
    public static async Task<EmbeddedSilos> StartAsync(int count)
    {
        var silos = new EmbeddedSilos();
        try
        {
            for (var i = 0; i < count; i++)
            {
                silos.Start();
            }

            await Task.WhenAll(silos._silos.Select(s => s.WaitReadyAsync(SiloCluster.StartBound)));
            return silos;
        }
        catch
        {
            await silos.DisposeAsync();
            throw;
        }
    }

    /// <summary>An empty set (no silo yet): <see cref="Start(IReadOnlyDictionary{string, string}?, string?, IReadOnlyDictionary{string, string}?)"/> adds
    /// them one by one.</summary>
    public static EmbeddedSilos Create() => new();

    /// <summary>A fresh folder under this set's root, for a silo's data or a copy of it.</summary>
    public string NewFolder(string name)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (Environment.GetEnvironmentVariable("MARKETPLACE_TEST_KEEP") == "1")
        {
            Console.WriteLine($"[embedded] kept the silos' folders (logs in silo.log) under {_root}");
            return;
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp folder is cleaned by the OS eventually.
        }
    }

    /// <summary>Starts one more silo process (not waiting for it): the embedded defaults with free ports,
    /// <paramref name="settings"/> added or overriding, in <paramref name="dataFolder"/> or a new folder, with
    /// <paramref name="environment"/> added to its environment.</summary>
    public SiloProcess Start(IReadOnlyDictionary<string, string>? settings = null, string? dataFolder = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        var index = _silos.Count + 1;
        var siloPort = FreeTcpPorts.Next();
        var gatewayPort = FreeTcpPorts.Next();
        var httpPort = FreeTcpPorts.Next();
        dataFolder ??= Path.Combine(_root, $"silo-{index}-{siloPort}");
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:Cluster:ClusterId"] = $"embedded-{index}-{siloPort}",
            ["Marketplace:Cluster:ServiceId"] = "marketplace-embedded-tests",
            ["Marketplace:Cluster:SiloPort"] = Port(siloPort),
            ["Marketplace:Cluster:GatewayPort"] = Port(gatewayPort),
            ["Marketplace:Http:Urls"] = $"http://127.0.0.1:{Port(httpPort)}",
            ["Marketplace:DataFolder"] = dataFolder,
            ["Marketplace:Blobs:FlushToDisk"] = "false",
            ["Marketplace:Api:Keys:" + SiloCluster.ApiKey] = SiloCluster.ClientId,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var silo = SiloProcess.Start($"silo-{index}", dataFolder, siloPort, gatewayPort, httpPort, "local-", all, environment);
        _silos.Add(silo);
        return silo;
    }
}
