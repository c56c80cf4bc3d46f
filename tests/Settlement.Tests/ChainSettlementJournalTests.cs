using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Settlement.Tests;

/// <summary>The settlement's journal is kept in sealed pages beside its record: it reads back whole and in order, in
/// pages of any size and after a silo restart, keeps at least <c>JournalEntriesKept</c> entries and drops the oldest
/// pages past them.</summary>
public sealed class ChainSettlementJournalTests(ITestOutputHelper output)
{
    [AnvilFact]
    public async Task TheJournalReadsBackWholeAndInOrderFromItsSealedPages()
    {
        // 40 kept: one sealed page of 32 plus the page being filled.
        await using var silo = await ChainSilo.StartAsync(new Dictionary<string, string> { ["BatchSize"] = "10", ["JournalEntriesKept"] = "40" });
        var settlement = silo.Settlement;
        await settlement.DepositAsync("client-a", 100_000_000, "deposit-a");
        long last = 0;
        for (var j = 0; j < 45; j++)
        {
            await settlement.EscrowAsync($"job-{j}", "client-a", 1_000_000);
            last = (await settlement.PayAsync($"job-{j}", new JobPayout { ExecutorId = "worker-1", Charge = 400_000 })).Sequence;
        }

        var whole = await ReadAsync(settlement, 1000);
        output.WriteLine($"last entry {last}; kept {whole.Entries.Count}, compacted through {whole.CompactedThrough}");
        Assert.InRange(whole.Entries.Count, 40, 32 + 31);
        Assert.Equal(last, whole.Entries[^1].Sequence);
        Assert.Equal(whole.CompactedThrough + 1, whole.Entries[0].Sequence);
        for (var i = 1; i < whole.Entries.Count; i++)
        {
            Assert.Equal(whole.Entries[i - 1].Sequence + 1, whole.Entries[i].Sequence);
        }

        // The kept entries chain from the anchor the dropped page left: the history checks offline.
        Assert.Equal(whole.CompactedThrough, whole.AnchorSequence);
        var history = History(whole);
        var chained = LedgerHistoryChain.Verify(history);
        Assert.True(chained.IsValid, chained.Detail);
        Assert.Equal(whole.Entries[^1].Hash, whole.Head);

        // Small pages cross the sealed page's end without losing or repeating an entry.
        foreach (var limit in new[] { 1, 7, 32, 33 })
        {
            var paged = await ReadAsync(settlement, limit);
            Assert.Equal(whole.Entries.Select(e => e.Sequence), paged.Entries.Select(e => e.Sequence));
        }

        // After a restart the sealed page is read back from its own record.
        await silo.RestartSiloAsync();
        var again = await ReadAsync(silo.Settlement, 5);
        Assert.Equal(whole.CompactedThrough, again.CompactedThrough);
        Assert.Equal(whole.Entries.Select(e => (e.Sequence, e.Reference, e.Operation)), again.Entries.Select(e => (e.Sequence, e.Reference, e.Operation)));
        Assert.True(LedgerHistoryChain.Verify(History(again), history.Head).IsValid);

        // A later entry extends the chain the reader saw before.
        await silo.Settlement.DepositAsync("client-a", 1, "deposit-later");
        var later = History(await ReadAsync(silo.Settlement, 1000));
        Assert.True(LedgerHistoryChain.Verify(later, history.Head).IsValid);
        Assert.NotEqual(history.Head, later.Head);
    }

    private static LedgerHistory History(LedgerJournalPage whole) => new()
    {
        AnchorSequence = whole.AnchorSequence,
        AnchorHash = whole.AnchorHash,
        Entries = [.. whole.Entries.Where(e => e.Sequence > whole.AnchorSequence)],
        Head = whole.Head,
    };

    /// <summary>Every entry of the journal, read in pages of <paramref name="limit"/>.</summary>
    private static async Task<LedgerJournalPage> ReadAsync(ISettlement settlement, int limit)
    {
        var all = new LedgerJournalPage();
        string? cursor = null;
        var first = true;
        do
        {
            var page = await settlement.GetJournalAsync(cursor, limit);
            if (first)
            {
                all.CompactedThrough = page.CompactedThrough;
                all.AnchorSequence = page.AnchorSequence;
                all.AnchorHash = page.AnchorHash;
                first = false;
            }

            Assert.True(page.Entries.Count <= limit);
            all.Entries.AddRange(page.Entries);
            all.Head = page.Head;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}
