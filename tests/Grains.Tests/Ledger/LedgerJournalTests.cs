using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Ledger;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>Journal pages, compaction into the checkpoint, and the settings check.</summary>
public sealed class LedgerJournalTests
{
    [Fact]
    public async Task TheJournalIsReadAPageAtATimeWithoutRepeatsOrGaps()
    {
        await using var silo = await LedgerKit.StartAsync(new ManualClock(LedgerKit.Start));
        var ledger = silo.Ledger("journal");
        for (var i = 0; i < 25; i++)
        {
            await ledger.DepositAsync("alice", 1, "d" + i.ToString(CultureInfo.InvariantCulture));
        }

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await ledger.GetJournalAsync(cursor, 10);
            seen.AddRange(page.Entries.Select(e => e.Sequence));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), seen);
        await Assert.ThrowsAsync<InvalidRequestException>(() => ledger.GetJournalAsync(null, 0));
        await Assert.ThrowsAsync<InvalidRequestException>(() => ledger.GetJournalAsync("not-a-cursor", 10));
        var other = PageCursor.Encode(Listings.WorkersList, "w1");
        await Assert.ThrowsAsync<InvalidRequestException>(() => ledger.GetJournalAsync(other, 10));
    }

    [Fact]
    public async Task OldEntriesAreCompactedIntoACheckpointThatReplaysToTheBalancesAcrossARestart()
    {
        await using var silo = await LedgerKit.StartAsync(new ManualClock(LedgerKit.Start), maxJournalEntries: 10);
        var ledger = silo.Ledger("compact");
        await ledger.DepositAsync("alice", 1_000, "d1");
        for (var i = 0; i < 20; i++)
        {
            var job = "job" + i.ToString(CultureInfo.InvariantCulture);
            await ledger.EscrowAsync(job, "alice", 10);
            await ledger.PayAsync(job, new JobPayout { ExecutorId = "w1", Charge = 7, Committee = ["c1"] });
        }

        await silo.RestartAsync();
        ledger = silo.Ledger("compact");
        var page = await ledger.GetJournalAsync(null, 1000);
        Assert.Equal(10, page.Entries.Count);
        Assert.Equal(31, page.CompactedThrough);
        Assert.Equal(Enumerable.Range(32, 10).Select(i => (long)i), page.Entries.Select(e => e.Sequence));

        var books = await ledger.GetTrialBalanceAsync();
        Assert.Equal(31, books.CheckpointSequence);
        var replayed = new Dictionary<string, UInt128>(books.CheckpointBalances);
        var outside = books.CheckpointOutsideNet;
        foreach (var posting in page.Entries.SelectMany(e => e.Postings))
        {
            if (posting.Account == LedgerAccounts.Outside)
            {
                outside = posting.Side == PostingSide.Debit ? outside + posting.Amount : outside - posting.Amount;
                continue;
            }

            var balance = replayed.GetValueOrDefault(posting.Account);
            replayed[posting.Account] = posting.Side == PostingSide.Credit ? balance + posting.Amount : balance - posting.Amount;
        }

        Assert.Equal(books.OutsideNet, outside);
        Assert.Equal(books.Balances.OrderBy(b => b.Key), replayed.Where(b => b.Value != UInt128.Zero).OrderBy(b => b.Key));
        Assert.Equal((UInt128)(1_000 - 140), (await ledger.GetBalanceAsync("alice")).Available);
    }

    [Fact]
    public void BadSettingsAreRefusedNamingTheField()
    {
        var result = new LedgerOptionsValidator().Validate(null, new LedgerOptions
        {
            UnstakeDelay = TimeSpan.FromSeconds(-1),
            MinimumStake = -1,
            CommitteeFeePercent = 11,
            DoubleSignSlashPercent = 101,
            MaxJournalEntries = 9,
        });
        Assert.True(result.Failed);
        foreach (var field in new[] { "UnstakeDelay", "MinimumStake", "CommitteeFeePercent", "DoubleSignSlashPercent", "MaxJournalEntries" })
        {
            Assert.Contains($"Marketplace:Ledger:{field} is", result.FailureMessage, StringComparison.Ordinal);
        }

        Assert.True(new LedgerOptionsValidator().Validate(null, new LedgerOptions()).Succeeded);
    }
}
