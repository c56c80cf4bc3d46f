using System.Globalization;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Cli.Commands;

/// <summary>The <c>history --ledger</c> part: the settlement's journal fetched page by page into one
/// <see cref="LedgerHistory"/> (or read from a file), checked with <see cref="LedgerHistoryChain.Verify"/>.</summary>
internal static class LedgerHistoryExport
{
    /// <summary>The history in <paramref name="file"/>, or fetched from the silo when null; checked against
    /// <paramref name="seenHead"/> (<c>history_invalid</c> when it does not hold).</summary>
    public static async Task<LedgerHistory> ReadAsync(VerbRun run, byte[]? file, byte[] seenHead)
    {
        LedgerHistory history;
        if (file is not null)
        {
            try
            {
                history = LedgerHistoryJson.Parse(file);
            }
            catch (ReceiptFormatException e)
            {
                throw HistoryCommand.Invalid("malformed", e.Message);
            }
        }
        else
        {
            history = await FetchAsync(run).ConfigureAwait(false);
        }

        var check = LedgerHistoryChain.Verify(history, seenHead);
        return check.IsValid ? history : throw HistoryCommand.Invalid(MarketplaceJson.EnumName(check.Failure), check.Detail);
    }

    /// <summary>Prints each entry and the head, or one JSON object.</summary>
    public static void Report(VerbRun run, LedgerHistory history)
    {
        var headHex = Convert.ToHexStringLower(history.Head);
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new { valid = true, kind = history.Kind, entries = history.Entries.Count, anchor_sequence = history.AnchorSequence, head = headHex });
            return;
        }

        foreach (var entry in history.Entries)
        {
            var postings = string.Join(", ", entry.Postings.Select(p => string.Create(CultureInfo.InvariantCulture, $"{(p.Side == PostingSide.Debit ? "-" : "+")}{p.Amount} {p.Account}")));
            run.Environment.Output.WriteLine($"{entry.Sequence,6} {entry.At:O} {MarketplaceJson.EnumName(entry.Operation),-18} {Convert.ToHexStringLower(entry.Hash)[..12]} {entry.Reference}: {postings}");
        }

        var from = history.AnchorSequence > 0 ? $" after entry {history.AnchorSequence} (older entries compacted away)" : "";
        run.Environment.Output.WriteLine($"valid: ledger history: {history.Entries.Count} entries chained{from}; head {headHex}");
    }

    /// <summary>Every kept chained entry, page by page from the anchor the first page names.</summary>
    private static async Task<LedgerHistory> FetchAsync(VerbRun run)
    {
        var client = await run.ClientAsync().ConfigureAwait(false);
        var page = await client.GetLedgerJournalAsync(null, PageLimits.Max, run.CancellationToken).ConfigureAwait(false);
        var history = new LedgerHistory { AnchorSequence = page.AnchorSequence, AnchorHash = page.AnchorHash, Head = page.Head };
        while (true)
        {
            foreach (var entry in page.Entries)
            {
                if (entry.Sequence > history.AnchorSequence)
                {
                    history.Entries.Add(entry);
                }
            }

            history.Head = page.Head;
            if (page.NextCursor is null)
            {
                return history;
            }

            page = await client.GetLedgerJournalAsync(page.NextCursor, PageLimits.Max, run.CancellationToken).ConfigureAwait(false);
        }
    }
}
