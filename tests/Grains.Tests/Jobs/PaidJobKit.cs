using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Silos whose jobs are paid through the embedded ledger: the client funded, the workers staked.</summary>
internal static class PaidJobKit
{
    /// <summary>What the client deposits.</summary>
    public const long Deposit = 10_000_000_000;

    /// <summary>The minimum stake of these silos.</summary>
    public const long MinimumStake = 5_000;

    /// <summary>Settings with the ledger on, a minimum stake and short settlement retries.</summary>
    public static JobsSettings Paid(this JobsSettings settings) => settings
        .Set("Marketplace:Ledger:Enabled", "true")
        .Set("Marketplace:Ledger:MinimumStake", MinimumStake.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Set("Marketplace:Jobs:SettlementRetryDelay", "00:00:00.050");

    /// <summary>Starts the silo, funds <see cref="JobsKit.Client"/> and stakes <paramref name="staked"/> workers (their
    /// grains read the new stake at once).</summary>
    public static async Task<MarketplaceTestSilo> StartAsync(JobsSettings settings, params string[] staked)
    {
        var silo = await JobsKit.StartAsync(settings.Paid());
        await silo.Ledger().DepositAsync(JobsKit.Client, Deposit, "funding");
        foreach (var worker in staked)
        {
            await silo.StakeAsync(worker, MinimumStake);
        }

        return silo;
    }

    public static async Task StakeAsync(this MarketplaceTestSilo silo, string worker, long amount)
    {
        await silo.Ledger().StakeAsync(worker, (ulong)amount, $"bond-{worker}-{Guid.NewGuid():N}");
        await silo.Grains.GetGrain<IWorkerGrain>(worker).RefreshStakeAsync();
    }

    public static ISettlement Ledger(this MarketplaceTestSilo silo) => silo.Grains.GetGrain<ISettlement>(ISettlement.DefaultKey);

    public static SettlementFaultInjection SettlementFaults(this MarketplaceTestSilo silo) => silo.Services.GetRequiredService<SettlementFaultInjection>();

    /// <summary>Waits until the job's escrow is paid or refunded (a terminal job settles right after it ends, or on a
    /// retry).</summary>
    public static async Task<JobSettlement> WaitSettledAsync(this MarketplaceTestSilo silo, string jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await silo.Ledger().GetEscrowAsync(jobId) is { Settlement: { } settlement })
            {
                return settlement;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"job {jobId} never settled: " + await silo.Grains.DescribeAsync(jobId));
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Drops the job's activation; the next call loads it from storage.</summary>
    public static async Task DeactivateJobAsync(this MarketplaceTestSilo silo, string jobId) =>
        await silo.Grains.GetGrain<IJobGrain>(jobId).AsReference<IGrainManagementExtension>().DeactivateOnIdle();

    public static async Task<UInt128> EarningsAsync(this MarketplaceTestSilo silo, string worker) => (await silo.Ledger().GetStakeAsync(worker)).Earnings;

    /// <summary>Payments and refunds the journal holds for <paramref name="jobId"/>.</summary>
    public static async Task<int> SettlementEntriesAsync(this MarketplaceTestSilo silo, string jobId)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await silo.Ledger().GetJournalAsync(cursor, PageLimits.Max);
            count += page.Entries.Count(e => e.Reference == jobId && e.Operation is LedgerOperation.Payment or LedgerOperation.Refund);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return count;
    }

    /// <summary>The books balance and hold exactly what came in from outside, and no job escrow is left open.</summary>
    public static async Task AssertBalancedAsync(this MarketplaceTestSilo silo, UInt128 expectedInside)
    {
        var trial = await silo.Ledger().GetTrialBalanceAsync();
        var sum = Marketplace.Grains.Tests.Ledger.LedgerKit.Sum(trial.Balances.Values);
        Xunit.Assert.Equal(trial.OutsideNet, sum);
        Xunit.Assert.Equal(expectedInside, sum);
    }
}
