using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Ledger;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>The journal as a hash chain: every entry commits to the one before, compaction moves the anchor, and an
/// export checks offline; an entry removed, reordered or edited, or a restated head, is caught.</summary>
public sealed class LedgerHistoryTests
{
    [Fact]
    public async Task The_exported_journal_checks_offline_across_compaction_and_a_restart_and_extends_an_earlier_head()
    {
        await using var silo = await LedgerKit.StartAsync(new ManualClock(LedgerKit.Start), maxJournalEntries: 10);
        var ledger = silo.Ledger("history");
        await ledger.DepositAsync("alice", 1_000, "d1");
        var early = await ExportAsync(ledger);
        Assert.Equal(0, early.AnchorSequence);
        Assert.Equal(LedgerHistoryChain.Anchor(0), early.AnchorHash);
        Assert.Single(early.Entries);
        Assert.True(LedgerHistoryChain.Verify(early).IsValid);

        for (var i = 0; i < 8; i++)
        {
            var job = "job" + i.ToString(CultureInfo.InvariantCulture);
            await ledger.EscrowAsync(job, "alice", 10);
            await ledger.PayAsync(job, new JobPayout { ExecutorId = "w1", Charge = 7, Committee = ["c1"] });
        }

        var middle = await ExportAsync(ledger);
        Assert.True(LedgerHistoryChain.Verify(middle, middle.Entries[^3].Hash).IsValid);

        await silo.RestartAsync();
        ledger = silo.Ledger("history");
        for (var i = 8; i < 12; i++)
        {
            await ledger.DepositAsync("alice", 5, "more" + i.ToString(CultureInfo.InvariantCulture));
        }

        var late = await ExportAsync(ledger);
        Assert.Equal(21, late.Entries[^1].Sequence);
        Assert.Equal(11, late.AnchorSequence);
        Assert.Equal(Enumerable.Range(12, 10).Select(i => (long)i), late.Entries.Select(e => e.Sequence));
        var check = LedgerHistoryChain.Verify(late);
        Assert.True(check.IsValid, check.Detail);

        // A head seen in the middle export and still kept is found; the first entry's, compacted away, is not (the
        // export cannot show it extends what was seen then), and neither is a made-up one.
        Assert.True(LedgerHistoryChain.Verify(late, middle.Head).IsValid);
        Assert.Equal(HistoryFailure.SeenHeadMissing, LedgerHistoryChain.Verify(late, early.Head).Failure);
        Assert.Equal(HistoryFailure.SeenHeadMissing, LedgerHistoryChain.Verify(late, new byte[32]).Failure);

        // The file form round-trips and still checks.
        var json = LedgerHistoryJson.Serialize(late);
        Assert.True(LedgerHistoryChain.Verify(LedgerHistoryJson.Parse(json), middle.Head).IsValid);
    }

    [Fact]
    public async Task A_removed_reordered_or_edited_entry_and_a_restated_head_are_each_caught()
    {
        await using var silo = await LedgerKit.StartAsync(new ManualClock(LedgerKit.Start));
        var ledger = silo.Ledger("tamper");
        await ledger.DepositAsync("alice", 1_000, "d1");
        for (var i = 0; i < 4; i++)
        {
            var job = "job" + i.ToString(CultureInfo.InvariantCulture);
            await ledger.EscrowAsync(job, "alice", 10);
            await ledger.PayAsync(job, new JobPayout { ExecutorId = "w1", Charge = 7 });
        }

        var json = LedgerHistoryJson.Serialize(await ExportAsync(ledger));
        Assert.True(LedgerHistoryChain.Verify(LedgerHistoryJson.Parse(json)).IsValid);

        Assert.Equal(HistoryFailure.WrongSequence, Tampered(json, h => h["entries"]!.AsArray().RemoveAt(3)));
        Assert.Equal(HistoryFailure.WrongSequence, Tampered(json, h =>
        {
            var entries = h["entries"]!.AsArray();
            var moved = entries[2]!.DeepClone();
            entries.RemoveAt(2);
            entries.Insert(4, moved);
        }));
        Assert.Equal(HistoryFailure.WrongSequence, Tampered(json, h => h["entries"]!.AsArray().Add(h["entries"]![1]!.DeepClone())));

        // The same amount moved to another account, a later time, another reference: the hash no longer holds.
        Assert.Equal(HistoryFailure.HashMismatch, Tampered(json, h => h["entries"]![2]!["postings"]![1]!["account"] = "client:mallory"));
        Assert.Equal(HistoryFailure.HashMismatch, Tampered(json, h => h["entries"]![2]!["at"] = "2030-01-01T00:00:00+00:00"));
        Assert.Equal(HistoryFailure.HashMismatch, Tampered(json, h => h["entries"]![2]!["reference"] = "job-other"));

        // An amount changed on one side only does not balance, whatever the hash says.
        Assert.Equal(HistoryFailure.Malformed, Tampered(json, h => h["entries"]![2]!["postings"]![0]!["amount"] = 11));
        Assert.Equal(HistoryFailure.WrongHead, Tampered(json, h => h["head"] = new string('0', 64)));
        Assert.Equal(HistoryFailure.Malformed, Tampered(json, h => h["kind"] = "job_history"));
        Assert.Equal(HistoryFailure.Malformed, Tampered(json, h => h["anchor_hash"] = "00"));
        Assert.Throws<ReceiptFormatException>(() => LedgerHistoryJson.Parse(Encoding.UTF8.GetBytes(Edit(json, h => h["extra"] = 1))));
        Assert.Throws<ReceiptFormatException>(() => LedgerHistoryJson.Parse(Encoding.UTF8.GetBytes(Edit(json, h => h.AsObject().Remove("head")))));
    }

    [Fact]
    public void A_record_stored_before_the_journal_was_chained_is_chained_from_an_anchor_at_its_checkpoint()
    {
        var state = new LedgerState();
        var book = new LedgerBook(state, 100);
        for (var i = 1; i <= 3; i++)
        {
            book.Post(LedgerOperation.Deposit, "d" + i.ToString(CultureInfo.InvariantCulture), LedgerKit.Start, [LedgerPosting.Debit(LedgerAccounts.Outside, 5), LedgerPosting.Credit("client:alice", 5)]);
        }

        var chained = state.Journal.Select(e => e.Hash).ToList();

        // The same record as an earlier version stored it: no hashes, no head, no anchor.
        foreach (var entry in state.Journal)
        {
            entry.Hash = [];
        }

        state.Head = null;
        state.Anchor = null;
        book.EnsureChained();
        Assert.Equal(chained, state.Journal.Select(e => e.Hash));
        Assert.Equal(chained[^1], state.Head);
        Assert.Equal(0, state.Anchor!.Sequence);
    }

    private static HistoryFailure Tampered(byte[] json, Action<JsonNode> edit) =>
        LedgerHistoryChain.Verify(LedgerHistoryJson.Parse(Encoding.UTF8.GetBytes(Edit(json, edit)))).Failure;

    private static string Edit(byte[] json, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(json)!;
        edit(node);
        return node.ToJsonString();
    }

    /// <summary>The kept chained journal in pages of 4, assembled as the CLI does.</summary>
    private static async Task<LedgerHistory> ExportAsync(ISettlement ledger)
    {
        var page = await ledger.GetJournalAsync(null, 4);
        var history = new LedgerHistory { AnchorSequence = page.AnchorSequence, AnchorHash = page.AnchorHash };
        while (true)
        {
            history.Entries.AddRange(page.Entries.Where(e => e.Sequence > history.AnchorSequence));
            history.Head = page.Head;
            if (page.NextCursor is null)
            {
                return history;
            }

            page = await ledger.GetJournalAsync(page.NextCursor, 4);
        }
    }
}
