using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;

namespace Marketplace.Silo.Dashboard;

/// <summary>The workers, storage and settlement sections.</summary>
internal sealed partial class MarketplaceSnapshotReader
{
    private Task<WorkersSection> ReadWorkersAsync(bool readStakes) =>
        SectionAsync("workers", () => ReadWorkersCoreAsync(readStakes), problem => new WorkersSection(0, 0, 0, 0, 0, false, [], problem));

    private async Task<WorkersSection> ReadWorkersCoreAsync(bool readStakes)
    {
        var directory = _grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var total = await directory.CountAsync();
        var workers = await directory.ListAsync(null, _options.MaxWorkers);
        var reputations = await Task.WhenAll(workers.Select(worker => _grains.GetGrain<IReputationGrain>(worker.WorkerId).GetAsync()));
        var settlement = _grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
        var stakes = readStakes
            ? await Task.WhenAll(workers.Select(worker => settlement.GetStakeAsync(worker.WorkerId)))
            : new WorkerStake?[workers.Count];
        var rows = new List<WorkerRow>(workers.Count);
        for (var i = 0; i < workers.Count; i++)
        {
            var worker = workers[i];
            var reputation = reputations[i];
            rows.Add(new WorkerRow(
                worker.WorkerId,
                worker.HostId,
                worker.Silo,
                worker.Online,
                worker.LastHeartbeat,
                worker.Capabilities.Capacity,
                worker.Running,
                worker.Queued,
                worker.Capabilities.MaxQueueDepth,
                worker.Capabilities.PricePerMillionFuel,
                reputation.Score,
                worker.Completed,
                worker.Failed,
                reputation.RecentLatencyMs,
                reputation.BannedUntil,
                reputation.BanReason,
                stakes[i]?.Bonded,
                stakes[i]?.MeetsMinimum));
        }

        var online = rows.Where(row => row.Online).ToList();
        return new WorkersSection(
            Math.Max(total, rows.Count),
            online.Count,
            online.Sum(row => row.Capacity),
            rows.Sum(row => row.Running),
            rows.Sum(row => row.Queued),
            total > rows.Count,
            rows,
            null);
    }

    private Task<StorageSection> ReadStorageAsync(string[] clients) =>
        SectionAsync("storage", () => ReadStorageCoreAsync(clients), problem => new StorageSection([], CountDeals([]), [], problem));

    private async Task<StorageSection> ReadStorageCoreAsync(string[] clients)
    {
        var providerIds = await _grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey).ListAsync();
        var providers = await Task.WhenAll(providerIds.Take(_options.MaxProviders)
            .Select(id => _grains.GetGrain<IStorageProviderGrain>(id).GetInfoAsync()));
        var dealIds = await Task.WhenAll(clients.Select(client => _grains.GetGrain<IClientDealsGrain>(client).ListAsync(_options.MaxDeals)));
        var reads = new List<Task<DealStatus?>>();
        for (var i = 0; i < clients.Length; i++)
        {
            var client = clients[i];
            reads.AddRange(dealIds[i].Select(id => ReadDealAsync(id, client)));
        }

        var deals = (await Task.WhenAll(reads)).OfType<DealStatus>().ToList();
        var shown = deals
            .OrderByDescending(deal => deal.CreatedAt)
            .ThenBy(deal => deal.DealId, StringComparer.Ordinal)
            .Take(_options.MaxDeals)
            .Select(deal => new DealRow(
                deal.DealId,
                deal.ClientId,
                deal.State,
                deal.HealthyFragments,
                deal.Fragments.Count,
                deal.Policy.DataFragments,
                deal.Length,
                deal.Fragments.Max(fragment => fragment.AuditedAt),
                deal.Paid,
                deal.PeriodsSettled,
                deal.PaymentProblem,
                deal.CreatedAt))
            .ToList();
        var providerRows = providers
            .Select(info => new ProviderRow(info.ProviderId, info.Online, info.CapacityBytes, info.UsedBytes, info.PricePerGiBMonth, info.Silo))
            .ToList();
        return new StorageSection(providerRows, CountDeals(deals.Select(deal => deal.State)), shown, null);
    }

    /// <summary>The deal as its client sees it, or null when it is gone.</summary>
    private async Task<DealStatus?> ReadDealAsync(string dealId, string clientId)
    {
        try
        {
            return await _grains.GetGrain<IStorageDealGrain>(dealId).GetStatusAsync(clientId);
        }
        catch (DealNotFoundException)
        {
            return null;
        }
    }

    private static List<DealStateCount> CountDeals(IEnumerable<DealState> states)
    {
        var counts = new int[Enum.GetValues<DealState>().Length];
        foreach (var state in states)
        {
            counts[(int)state]++;
        }

        return [.. Enum.GetValues<DealState>().Select(state => new DealStateCount(state, counts[(int)state]))];
    }

    private async Task<SettlementSection> ReadBalancesAsync(string[] clients, SettlementTerms? terms)
    {
        var mode = _chainSettlement ? "chain" : "ledger";
        if (terms is null)
        {
            return new SettlementSection(mode, false, UInt128.Zero, 0, [], [], null, "the settlement's terms could not be read");
        }

        return await SectionAsync("settlement", async () =>
        {
            var settlement = _grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
            var balances = terms.Enabled
                ? await Task.WhenAll(clients.Select(client => settlement.GetBalanceAsync(client)))
                : [];
            ChainStatusRow? chain = null;
            if (_chainSettlement)
            {
                var status = await _grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey).GetChainStatusAsync();
                chain = new ChainStatusRow(status.SettlementAddress, status.QueuedJobs, status.UnfinishedTransactions, status.BatchesSent,
                    [.. status.RecentBatches.Select(batch => new ChainBatchRow(batch.Number, batch.ChainBatchId, batch.Jobs, batch.GasUsed, batch.TransactionHash))]);
            }

            return new SettlementSection(mode, terms.Enabled, terms.MinimumStake, terms.CommitteeFeePercent, [],
                [.. balances.Select(balance => new ClientBalanceRow(balance.ClientId, balance.Available, balance.Escrowed))], chain, null);
        }, problem => new SettlementSection(mode, terms.Enabled, terms.MinimumStake, terms.CommitteeFeePercent, [], [], null, problem));
    }

    /// <summary>The settlement section with the escrow counts of the recent jobs.</summary>
    private static SettlementSection SettlementWith(SettlementSection settlement, IReadOnlyList<RecentJob> recent) =>
        settlement with
        {
            Escrows = [.. Enum.GetValues<EscrowState>().Select(state => new EscrowCount(state, recent.Count(job => job.Escrow == state)))],
        };
}
