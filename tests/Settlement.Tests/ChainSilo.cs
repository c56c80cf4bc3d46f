using System.Globalization;
using System.Numerics;
using Marketplace.Chain;
using Marketplace.Chain.Development;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Grains.Settlement;
using Marketplace.Persistence.Sqlite;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Settlement.Tests;

/// <summary>
/// anvil with the contracts deployed from a fresh settlement key, and a real silo (SQLite storage in a temporary
/// folder, the marketplace with <c>Marketplace:Settlement:Chain:Enabled</c>) settling on it. Restart either one to
/// prove durability.
/// </summary>
internal sealed class ChainSilo : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private IHost? _host;

    private ChainSilo(AnvilNode anvil, Secp256k1PrivateKey key, ChainDeploymentResult deployment, string folder, Dictionary<string, string?> settings)
    {
        Anvil = anvil;
        Key = key;
        Deployment = deployment;
        DataFolder = folder;
        _settings = settings;
    }

    /// <summary>The chain.</summary>
    public AnvilNode Anvil { get; }

    /// <summary>The settlement key.</summary>
    public Secp256k1PrivateKey Key { get; }

    /// <summary>The contracts.</summary>
    public ChainDeploymentResult Deployment { get; }

    /// <summary>The silo's data folder.</summary>
    public string DataFolder { get; }

    /// <summary>The fault injection registered on the silo.</summary>
    public SettlementFaults Faults { get; } = new();

    /// <summary>The settlement grain (the one <see cref="ISettlement"/> resolves to).</summary>
    public ISettlement Settlement => Grains.GetGrain<ISettlement>(ISettlement.DefaultKey);

    /// <summary>The same grain with its chain-only calls.</summary>
    public IChainSettlementGrain Chain => Grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey);

    /// <summary>The running silo's grain factory.</summary>
    public IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host!.Services;

    /// <summary>Starts anvil, deploys, starts the silo; <paramref name="settings"/> override the chain settings
    /// (keys below <c>Marketplace:Settlement:Chain:</c>, e.g. <c>BatchSize</c>).</summary>
    public static async Task<ChainSilo> StartAsync(IDictionary<string, string>? settings = null)
    {
        var anvil = await AnvilNode.StartAsync();
        var key = await anvil.FundedKeyAsync(Wei.FromEther(1_000));
        var deployment = await ChainDeployment.DeployAsync(anvil.Rpc, key, new ChainDeploymentRequest { UnstakeDelaySeconds = 3600, MinimumStake = 1_000 });
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-settlement-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        const string S = ChainSettlementOptions.Section;
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Marketplace:DataFolder"] = folder,
            ["Marketplace:Reminders:MinimumReminderPeriod"] = "00:00:01",
            ["Marketplace:Cluster:SiloPort"] = FreeTcpPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = FreeTcpPorts.Next().ToString(CultureInfo.InvariantCulture),
            [$"{S}:Enabled"] = "true",
            [$"{S}:RpcUrl"] = anvil.Url,
            [$"{S}:ChainId"] = "31337",
            [$"{S}:PrivateKey"] = Hex.Encode(key.ToBytes()),
            [$"{S}:EscrowAddress"] = deployment.Escrow.ToString(),
            [$"{S}:StakingAddress"] = deployment.Staking.ToString(),
            [$"{S}:TokenAddress"] = deployment.Token.ToString(),
            [$"{S}:BatchInterval"] = "01:00:00",
            [$"{S}:ReceiptTimeout"] = "00:00:20",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            all[$"{S}:{k}"] = v;
        }

        var silo = new ChainSilo(anvil, key, deployment, folder, all);
        await silo.StartSiloAsync();
        return silo;
    }

    /// <summary>Stops the silo gracefully and starts a new one on the same data folder.</summary>
    public async Task RestartSiloAsync()
    {
        await StopSiloAsync();
        await StartSiloAsync();
    }

    /// <summary>Deactivates the settlement grain (its next call reloads the stored state).</summary>
    public async Task DeactivateAsync()
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
    }

    /// <summary>A contract view of the Escrow.</summary>
    public async Task<BigInteger> EscrowViewAsync(string function, params object?[] arguments)
    {
        var abiFunction = SettlementContracts.Escrow.Abi.GetFunction(function);
        var result = await Anvil.Rpc.CallAsync(new Chain.Rpc.CallRequest { To = Deployment.Escrow, Data = abiFunction.EncodeCall(arguments) });
        return (BigInteger)abiFunction.DecodeOutput(result)[0]!;
    }

    /// <summary>A token balance.</summary>
    public async Task<BigInteger> TokenBalanceAsync(Address account)
    {
        var balanceOf = SettlementContracts.MarketToken.Abi.GetFunction("balanceOf");
        return (BigInteger)balanceOf.DecodeOutput(await Anvil.Rpc.CallAsync(new Chain.Rpc.CallRequest { To = Deployment.Token, Data = balanceOf.EncodeCall(account) }))[0]!;
    }

    /// <summary>A client's custodial address.</summary>
    public async Task<Address> ClientAsync(string clientId) => Address.Parse(await Chain.GetAddressAsync(clientId, worker: false));

    /// <summary>A worker's custodial address.</summary>
    public async Task<Address> WorkerAsync(string workerId) => Address.Parse(await Chain.GetAddressAsync(workerId, worker: true));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopSiloAsync();
        await Anvil.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A handle still open; the temporary folder is cleaned by the OS eventually.
        }
    }

    private async Task StopSiloAsync()
    {
        if (_host is { } host)
        {
            await host.StopAsync();
            host.Dispose();
            _host = null;
        }
    }

    private async Task StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(_settings);
        var siloPort = int.Parse(_settings["Marketplace:Cluster:SiloPort"]!, CultureInfo.InvariantCulture);
        var gatewayPort = int.Parse(_settings["Marketplace:Cluster:GatewayPort"]!, CultureInfo.InvariantCulture);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "marketplace-settlement-tests");
            silo.Services.Configure<ReminderOptions>(builder.Configuration.GetSection("Marketplace:Reminders"));
            silo.AddMarketplaceStreams();
            silo.UseSqliteStorage($"Data Source={Path.Combine(DataFolder, "marketplace.db")}");
            silo.AddMarketplace();
            silo.Services.AddSingleton(Faults);
        });
        var host = builder.Build();
        await host.StartAsync();
        _host = host;
    }
}
