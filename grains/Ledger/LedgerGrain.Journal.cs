using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Ledger;

/// <summary>Reading the books: journal pages and the trial balance.</summary>
internal sealed partial class LedgerGrain
{
    /// <inheritdoc />
    public Task<LedgerJournalPage> GetJournalAsync(string? cursor, int limit)
    {
        PageLimits.Check(limit);
        var after = JournalCursor.Position(cursor);

        var journal = State.Journal;
        Book.EnsureChained();
        var page = new LedgerJournalPage
        {
            CompactedThrough = State.Checkpoint.Sequence,
            AnchorSequence = State.Anchor!.Sequence,
            AnchorHash = State.Anchor.Hash,
            Head = State.Head!,
        };
        if (journal.Count == 0)
        {
            return Task.FromResult(page);
        }

        // Sequences in the journal are consecutive, so the entry after a position is found by arithmetic; a position
        // already compacted starts at the oldest entry kept.
        var start = (int)Math.Clamp(after - journal[0].Sequence + 1, 0, journal.Count);
        var count = Math.Min(limit, journal.Count - start);
        page.Entries = journal.GetRange(start, count);
        if (start + count < journal.Count)
        {
            page.NextCursor = JournalCursor.After(page.Entries[^1].Sequence);
        }

        return Task.FromResult(page);
    }

    /// <inheritdoc />
    public Task<LedgerTrialBalance> GetTrialBalanceAsync() => Task.FromResult(new LedgerTrialBalance
    {
        Balances = new Dictionary<string, UInt128>(State.Balances, StringComparer.Ordinal),
        OutsideNet = State.OutsideNet,
        Sequence = State.Sequence,
        CheckpointBalances = new Dictionary<string, UInt128>(State.Checkpoint.Balances, StringComparer.Ordinal),
        CheckpointOutsideNet = State.Checkpoint.OutsideNet,
        CheckpointSequence = State.Checkpoint.Sequence,
    });
}
