using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Ledger;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>A real silo (SQLite storage) with the ledger on a manual clock; each test uses a ledger key of its own.</summary>
internal static class LedgerKit
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Starts a silo without workers whose ledger reads <paramref name="time"/>.</summary>
    public static Task<MarketplaceTestSilo> StartAsync(ManualClock time, int maxJournalEntries = 1000) =>
        MarketplaceTestSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Marketplace:Jobs:DefaultWorkers"] = "0",
                ["Marketplace:Ledger:MaxJournalEntries"] = maxJournalEntries.ToString(CultureInfo.InvariantCulture),
                ["Marketplace:Ledger:MinimumStake"] = "1000",
                ["Marketplace:Ledger:CommitteeFeePercent"] = "10",
            },
            services => services.AddSingleton(new LedgerClock(time)));

    public static ISettlement Ledger(this MarketplaceTestSilo silo, string key) => silo.Grains.GetGrain<ISettlement>(key);

    /// <summary>Drops the ledger's activation; the next call loads it from storage.</summary>
    public static async Task DeactivateAsync(this MarketplaceTestSilo silo, string key) =>
        await silo.Ledger(key).AsReference<IGrainManagementExtension>().DeactivateOnIdle();

    /// <summary>Asserts that the books balance: the accounts add up to what came in from outside.</summary>
    public static UInt128 Sum(IEnumerable<UInt128> amounts)
    {
        UInt128 sum = 0;
        foreach (var amount in amounts)
        {
            sum = checked(sum + amount);
        }

        return sum;
    }
}
