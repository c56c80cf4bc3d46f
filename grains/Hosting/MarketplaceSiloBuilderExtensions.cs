using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace to a silo: <c>silo.AddMarketplace()</c>.</summary>
public static class MarketplaceSiloBuilderExtensions
{
    /// <summary>
    /// Adds every feature of the marketplace with its options bound from the <c>Marketplace</c> configuration
    /// section: the blob store (<see cref="BlobsSiloBuilderExtensions.AddMarketplaceBlobs"/>), the program sandbox
    /// (<see cref="ExecutionSiloBuilderExtensions.AddMarketplaceExecution"/>), programs
    /// (<see cref="ProgramsSiloBuilderExtensions.AddMarketplacePrograms"/>), jobs
    /// (<see cref="JobsSiloBuilderExtensions.AddMarketplaceJobs"/>), workers
    /// (<see cref="WorkersSiloBuilderExtensions.AddMarketplaceWorkers"/>), workers' reputation
    /// (<see cref="ReputationSiloBuilderExtensions.AddMarketplaceReputation"/>) and the ledger behind the settlement
    /// (<see cref="LedgerSiloBuilderExtensions.AddMarketplaceLedger"/>), or on an EVM chain when
    /// <c>Marketplace:Settlement:Chain:Enabled</c> is on (<see cref="ChainSettlementSiloBuilderExtensions.AddMarketplaceChainSettlement"/>), and the storage market (<see cref="StorageSiloBuilderExtensions.AddMarketplaceStorage"/>). Grain state is written in Orleans' own
    /// version-tolerant binary format whatever the storage provider. Needs a stream provider named
    /// <see cref="MarketplaceStreams.Provider"/> and the default grain storage on the silo. A database failure that
    /// escapes a grain call reaches its caller as <see cref="ClusterStorageUnavailableException"/>.
    /// </summary>
    public static ISiloBuilder AddMarketplace(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceBlobs();
        silo.AddMarketplaceExecution();
        silo.AddMarketplacePrograms();
        silo.AddMarketplaceJobs();
        silo.AddMarketplaceWorkers();
        silo.AddMarketplaceReputation();
        silo.AddMarketplaceLedger();
        silo.AddMarketplaceChainSettlement();
        silo.AddMarketplaceStorage();
        silo.AddIncomingGrainCallFilter<StorageOutageCallFilter>();
        return silo;
    }

    /// <summary>
    /// Adds the marketplace's stream provider (<see cref="MarketplaceStreams.Provider"/>): Orleans memory streams
    /// carrying worker capability advertisements, on one queue polled every 100 ms (Orleans' default period; an
    /// advertisement comes every heartbeat, so its latency does not matter, and one queue keeps an idle silo's polling
    /// to ten calls a second). Subscriptions persist in the <c>PubSubStore</c> grain storage.
    /// </summary>
    public static ISiloBuilder AddMarketplaceStreams(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.AddMemoryStreams(MarketplaceStreams.Provider, streams => streams.ConfigurePartitioning(1));
    }
}
