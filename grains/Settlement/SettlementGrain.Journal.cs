using System.Globalization;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace Marketplace.Grains.Settlement;

/// <summary>The journal: entries are appended to the settlement's own record and sealed, every
/// <see cref="JournalPageEntries"/>, into a page record of their own (written once, before the record that names it),
/// so a write of the settlement carries at most one page of journal however long the kept history is. The oldest
/// pages are dropped past <see cref="ChainSettlementOptions.JournalEntriesKept"/>.</summary>
internal sealed partial class SettlementGrain
{
    /// <summary>Entries per sealed journal page.</summary>
    internal const int JournalPageEntries = 32;

    private readonly Dictionary<long, List<LedgerEntry>> _journalPageCache = [];
    private readonly List<long> _droppedJournalPages = [];
    private GrainSideRecords<SettlementJournalPage>? _journalPageRecords;

    private GrainSideRecords<SettlementJournalPage> JournalPageRecords => _journalPageRecords ??= new GrainSideRecords<SettlementJournalPage>(
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME), "chain-journal-page", "chain-journal-page");

    /// <summary>Sealed pages kept: enough for <see cref="ChainSettlementOptions.JournalEntriesKept"/> entries, at least one.</summary>
    private int JournalPagesKept => Math.Max(1, Options.JournalEntriesKept / JournalPageEntries);

    /// <inheritdoc />
    public async Task<LedgerJournalPage> GetJournalAsync(string? cursor, int limit)
    {
        PageLimits.Check(limit);
        var after = JournalCursor.Position(cursor);

        var pages = State.JournalPages.ToArray();
        var open = State.Journal.ToArray();
        var firstKept = pages.Length > 0 ? pages[0] : open.Length > 0 ? open[0].Sequence : State.Sequence + 1;
        EnsureJournalChained();
        var page = new LedgerJournalPage { CompactedThrough = firstKept - 1, AnchorSequence = State.Anchor!.Sequence, AnchorHash = State.Anchor.Hash, Head = State.Head! };
        var entries = new List<LedgerEntry>(Math.Min(limit, 2 * JournalPageEntries));
        var more = false;
        foreach (var first in pages)
        {
            if (first + JournalPageEntries - 1 <= after)
            {
                continue;
            }

            if (more = Take(await JournalPageAsync(first), after, limit, entries))
            {
                break;
            }
        }

        more = more || Take(open, after, limit, entries);
        page.Entries = entries;
        if (more)
        {
            page.NextCursor = JournalCursor.After(entries[^1].Sequence);
        }

        return page;
    }

    /// <summary>Appends a journal entry (postings of 0 left out) and returns it.</summary>
    private LedgerEntry Post(LedgerOperation operation, string reference, List<LedgerPosting> postings)
    {
        postings.RemoveAll(p => p.Amount == UInt128.Zero);
        EnsureJournalChained();
        var entry = new LedgerEntry
        {
            Sequence = ++State.Sequence,
            At = _time.GetUtcNow(),
            Operation = operation,
            Reference = reference,
            Postings = postings,
        };
        entry.Hash = LedgerHistoryChain.EntryHash(State.Head!, entry);
        State.Head = entry.Hash;
        State.Journal.Add(entry);
        return entry;
    }

    /// <summary>Starts the hash chain of a record stored before the journal was chained: the next entry chains from
    /// an anchor at the last sequence posted (<see cref="LedgerHistoryChain.Anchor"/>); the earlier entries stay
    /// unchained and are not part of the ledger history. Does nothing to a chained record.</summary>
    private void EnsureJournalChained()
    {
        if (State.Head is null || State.Anchor is null)
        {
            State.Anchor = LedgerChainAnchor.At(State.Sequence);
            State.Head = State.Anchor.Hash;
        }
    }

    /// <summary>Seals full pages of the record's journal into records of their own and drops the oldest pages past
    /// the bound from the record (their rows are removed after the record is written).</summary>
    private async Task SealJournalPagesAsync()
    {
        while (State.Journal.Count >= JournalPageEntries)
        {
            var entries = State.Journal.GetRange(0, JournalPageEntries);
            var first = entries[0].Sequence;
            await JournalPageRecords.WriteAsync(JournalPageKey(first), new SettlementJournalPage { Entries = entries });
            State.Journal.RemoveRange(0, JournalPageEntries);
            State.JournalPages.Add(first);
            _journalPageCache[first] = entries;
            if (entries[^1].Hash.Length > 0)
            {
                State.JournalPageEnds[first] = new LedgerChainAnchor { Sequence = entries[^1].Sequence, Hash = entries[^1].Hash };
            }
        }

        while (State.JournalPages.Count > JournalPagesKept)
        {
            var oldest = State.JournalPages[0];
            State.JournalPages.RemoveAt(0);
            _journalPageCache.Remove(oldest);
            if (State.JournalPageEnds.Remove(oldest, out var end))
            {
                State.Anchor = end;
            }
            _droppedJournalPages.Add(oldest);
        }
    }

    /// <summary>Removes the rows of dropped pages, now that the record no longer names them; one that cannot be
    /// removed is logged and left (nothing reads it).</summary>
    private async Task RemoveDroppedJournalPagesAsync()
    {
        while (_droppedJournalPages.Count > 0)
        {
            var first = _droppedJournalPages[^1];
            _droppedJournalPages.RemoveAt(_droppedJournalPages.Count - 1);
            try
            {
                await JournalPageRecords.ClearAsync(JournalPageKey(first));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.JournalPageNotRemoved(e, first);
            }
        }
    }

    /// <summary>The entries of the sealed page starting at <paramref name="first"/> (empty when its record is gone).</summary>
    private async Task<List<LedgerEntry>> JournalPageAsync(long first)
    {
        if (!_journalPageCache.TryGetValue(first, out var entries))
        {
            entries = (await JournalPageRecords.ReadAsync(JournalPageKey(first)))?.Entries ?? [];
            _journalPageCache[first] = entries;
        }

        return entries;
    }

    /// <summary>Adds the entries of <paramref name="from"/> after sequence <paramref name="after"/> to
    /// <paramref name="into"/> up to <paramref name="limit"/>; true when an entry was left out for the limit.</summary>
    private static bool Take(IReadOnlyList<LedgerEntry> from, long after, int limit, List<LedgerEntry> into)
    {
        foreach (var entry in from)
        {
            if (entry.Sequence <= after)
            {
                continue;
            }

            if (into.Count == limit)
            {
                return true;
            }

            into.Add(entry);
        }

        return false;
    }

    private static string JournalPageKey(long first) => "journal/" + first.ToString(CultureInfo.InvariantCulture);
}
