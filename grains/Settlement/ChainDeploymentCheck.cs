// Design: a silo whose chain settings name contracts the chain does not have (a development chain restarted without
// its state, settings copied from another deployment) would take money into escrow calls that can never succeed.
// So when settlement is on a chain, the silo asks the node for the code at the token, Escrow, Staking and (when set)
// ReceiptRelease addresses while it starts, before it takes any call, and refuses to start when one has none, naming
// the fix. A node that does not answer is not a reason to refuse: the settlement grain already retries every call
// until the node is back.
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Settlement;

/// <summary>Checks, while the silo starts, that the chain has code at the contract addresses of its settings.</summary>
internal sealed class ChainDeploymentCheck(IOptions<ChainSettlementOptions> options, ILoggerFactory loggers)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long the start waits for the node's answers.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ChainDeploymentCheck), ServiceLifecycleStage.ApplicationServices, CheckAsync);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var http = new HttpClient();
        var rpc = new EvmRpcClient(http, new EvmRpcClientOptions { Endpoint = new Uri(settings.RpcUrl), RequestTimeout = Timeout });
        var missing = new List<string>();
        try
        {
            foreach (var (name, address) in new[] { ("token", settings.TokenAddress), ("escrow", settings.EscrowAddress), ("staking", settings.StakingAddress), ("receipt release", settings.ReceiptReleaseAddress) })
            {
                if (address.Length == 0)
                {
                    continue;
                }

                var code = await rpc.RequestAsync("eth_getCode", $"[\"{address}\",\"latest\"]", cancellationToken);
                if (code.GetString() is null or "0x" or "0x0")
                {
                    missing.Add($"{name} {address}");
                }
            }
        }
        catch (ChainException e)
        {
            new SettlementLog(loggers.CreateLogger(SettlementLog.Category)).DeploymentUnchecked(settings.RpcUrl, e.Message);
            return;
        }

        if (missing.Count > 0)
        {
            throw new ChainDeploymentMissingException(
                $"{ChainSettlementOptions.Section}: the chain at {settings.RpcUrl} has no contract at {string.Join(", ", missing)}: "
                + "the settings name a deployment this chain does not have (a development chain restarted without its state, or settings of another chain). "
                + "Deploy again and start with the settings it writes: marketplace chain deploy --rpc <url> --key-file <key> --keep-deployed --out chain.json "
                + "(docker-compose: docker-compose up -d --force-recreate deploy silo1 silo2 silo3).");
        }
    }
}
