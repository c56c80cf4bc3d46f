using Marketplace.GrainInterfaces;
using Orleans.Concurrency;

namespace Marketplace.Grains.Settlement;

/// <summary>The chain settlement (<see cref="ISettlement"/> on an EVM chain) with what only it has: sending the
/// queued settlements now, its status, and the addresses of custodial accounts.</summary>
public interface IChainSettlementGrain : ISettlement
{
    /// <summary>Finishes every transaction under way and sends every settled job still waiting for its batch, in
    /// batches of <see cref="ChainSettlementOptions.BatchSize"/>; answers the status after.</summary>
    Task<ChainSettlementStatus> FlushAsync();

    /// <summary>Jobs waiting, transactions under way, batches sent.</summary>
    [ReadOnly]
    Task<ChainSettlementStatus> GetChainStatusAsync();

    /// <summary>The chain address of a client's (<paramref name="worker"/> false) or worker's custodial account.</summary>
    [ReadOnly]
    Task<string> GetAddressAsync(string id, bool worker);
}

/// <summary>What the chain settlement has under way (<see cref="IChainSettlementGrain.GetChainStatusAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.chain-settlement-status")]
[Immutable]
public sealed class ChainSettlementStatus
{
    /// <summary>The settlement account (settler, slasher, funder).</summary>
    [Id(0)] public string SettlementAddress { get; set; } = "";

    /// <summary>Settled jobs waiting for a batch.</summary>
    [Id(1)] public int QueuedJobs { get; set; }

    /// <summary>Transactions signed and not yet finished with.</summary>
    [Id(2)] public int UnfinishedTransactions { get; set; }

    /// <summary>Batches sent so far.</summary>
    [Id(3)] public long BatchesSent { get; set; }

    /// <summary>The last confirmed batches, oldest first: local number, contract batch id, jobs, gas, root.</summary>
    [Id(4)] public List<ChainBatchSummary> RecentBatches { get; set; } = [];

    /// <summary>Jobs held in the settlement's own record: the unsettled ones and at most
    /// <see cref="ChainSettlementOptions.SettledJobsKept"/> (plus a small slack) settled ones.</summary>
    [Id(5)] public int JobsHeld { get; set; }
}

/// <summary>A confirmed batch.</summary>
[GenerateSerializer]
[Alias("marketplace.chain-batch-summary")]
[Immutable]
public sealed class ChainBatchSummary
{
    /// <summary>The local batch number.</summary>
    [Id(0)] public long Number { get; set; }

    /// <summary>The contract's batch id.</summary>
    [Id(1)] public ulong ChainBatchId { get; set; }

    /// <summary>Jobs it settled.</summary>
    [Id(2)] public int Jobs { get; set; }

    /// <summary>Gas its transaction used.</summary>
    [Id(3)] public ulong GasUsed { get; set; }

    /// <summary>The Merkle root of its payouts (hex).</summary>
    [Id(4)] public string Root { get; set; } = "";

    /// <summary>Its transaction.</summary>
    [Id(5)] public string TransactionHash { get; set; } = "";
}
