// Design: each journal entry is hashed as it is posted, over the hash of the entry before it, so a reader who kept a
// head from an earlier export can check that a later one extends it: an entry removed, reordered or edited anywhere
// before that head changes every hash after it. The journal is bounded (entries are compacted away, pages dropped),
// so an export starts at an anchor: the hash of the last entry gone, which the export carries. A ledger whose older
// entries were posted before chaining starts its chain at an anchor derived from that entry's sequence alone.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Marketplace.GrainInterfaces;

/// <summary>The hash chain over the settlement's journal entries, and the offline check of an exported
/// <see cref="LedgerHistory"/>.</summary>
public static class LedgerHistoryChain
{
    private static readonly byte[] EntryTag = "marketplace/ledger-history/v1"u8.ToArray();
    private static readonly byte[] AnchorTag = "marketplace/ledger-history/v1/anchor"u8.ToArray();

    /// <summary>What entry <paramref name="sequence"/> + 1 chains from when the entries up to
    /// <paramref name="sequence"/> are not chained (0: the first entry of a new ledger): SHA-256(ASCII
    /// <c>marketplace/ledger-history/v1/anchor</c> ‖ u64 sequence, big-endian).</summary>
    public static byte[] Anchor(long sequence)
    {
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(AnchorTag);
        hash.AppendData(number);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// The hash of <paramref name="entry"/>: SHA-256(ASCII <c>marketplace/ledger-history/v1</c> ‖ previous hash (32
    /// bytes) ‖ u64 sequence ‖ i64 time in UTC ticks (100 ns) ‖ i32 operation ‖ u32 length ‖ UTF-8 reference ‖ u32
    /// posting count ‖ for each posting: u32 length ‖ UTF-8 account ‖ u8 side (0 debit, 1 credit) ‖ u128 amount),
    /// integers big-endian.
    /// </summary>
    public static byte[] EntryHash(ReadOnlySpan<byte> previous, LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Reference);
        ArgumentNullException.ThrowIfNull(entry.Postings);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[16];
        hash.AppendData(EntryTag);
        hash.AppendData(previous);
        BinaryPrimitives.WriteInt64BigEndian(number, entry.Sequence);
        hash.AppendData(number[..8]);
        BinaryPrimitives.WriteInt64BigEndian(number, entry.At.UtcTicks);
        hash.AppendData(number[..8]);
        BinaryPrimitives.WriteInt32BigEndian(number, (int)entry.Operation);
        hash.AppendData(number[..4]);
        HistoryChainParts.AppendText(hash, entry.Reference);
        BinaryPrimitives.WriteInt32BigEndian(number, entry.Postings.Count);
        hash.AppendData(number[..4]);
        foreach (var posting in entry.Postings)
        {
            ArgumentNullException.ThrowIfNull(posting);
            HistoryChainParts.AppendText(hash, posting.Account ?? throw new ArgumentException("a posting without an account", nameof(entry)));
            number[0] = (byte)posting.Side;
            hash.AppendData(number[..1]);
            BinaryPrimitives.WriteUInt128BigEndian(number, posting.Amount);
            hash.AppendData(number);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Checks <paramref name="history"/> offline: entries numbered one by one from the anchor, each balanced (debits
    /// equal credits, no amount 0), every hash recomputed from the entry and the one before, the head the last hash,
    /// and, when <paramref name="seenHead"/> is given (a head kept from an earlier look), that head among the hashes
    /// (the anchor's included): the history extends what was seen. The result names the first entry that fails.
    /// </summary>
    public static HistoryVerification Verify(LedgerHistory history, ReadOnlySpan<byte> seenHead = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (!string.Equals(history.Kind, LedgerHistory.HistoryKind, StringComparison.Ordinal))
        {
            return Fail(HistoryFailure.Malformed, $"kind '{history.Kind}' is not '{LedgerHistory.HistoryKind}'");
        }

        if (history.AnchorSequence < 0 || history.AnchorHash is not { Length: 32 } || history.Entries is null)
        {
            return Fail(HistoryFailure.Malformed, "a ledger history has an anchor_sequence of 0 or more, a 32-byte anchor_hash and a list of entries");
        }

        var previous = history.AnchorHash;
        var seen = seenHead.IsEmpty || previous.AsSpan().SequenceEqual(seenHead);
        for (var i = 0; i < history.Entries.Count; i++)
        {
            var entry = history.Entries[i];
            if (entry is null || entry.Reference is null || entry.Postings is null || entry.Hash is null || entry.Postings.Exists(p => p is null || p.Account is null))
            {
                return Fail(HistoryFailure.Malformed, $"entry {i} is missing a member");
            }

            var expected = history.AnchorSequence + i + 1;
            if (entry.Sequence != expected)
            {
                return Fail(HistoryFailure.WrongSequence, $"entry {i} is numbered {entry.Sequence}, not {expected}: an entry was removed, added or moved");
            }

            if (Unbalanced(entry) is { } why)
            {
                return Fail(HistoryFailure.Malformed, $"entry {entry.Sequence} {why}");
            }

            var hash = EntryHash(previous, entry);
            if (!hash.AsSpan().SequenceEqual(entry.Hash))
            {
                return Fail(HistoryFailure.HashMismatch, $"entry {entry.Sequence} hashes to {Convert.ToHexStringLower(hash)}, not {Convert.ToHexStringLower(entry.Hash)}: it or an entry before it was changed");
            }

            seen |= hash.AsSpan().SequenceEqual(seenHead);
            previous = hash;
        }

        return HistoryChainParts.Conclude(previous, history.Head, seen, seenHead, "entry", "entries");
    }

    /// <summary>Why <paramref name="entry"/> does not balance, or null when it does.</summary>
    private static string? Unbalanced(LedgerEntry entry)
    {
        UInt128 debits = 0;
        UInt128 credits = 0;
        foreach (var posting in entry.Postings)
        {
            if (posting.Amount == UInt128.Zero)
            {
                return $"posts 0 to {posting.Account}";
            }

            ref var side = ref posting.Side == PostingSide.Debit ? ref debits : ref credits;
            if (UInt128.MaxValue - side < posting.Amount)
            {
                return "has postings that add up past 2^128 - 1";
            }

            side += posting.Amount;
        }

        return debits == credits ? null : $"does not balance: debits {debits}, credits {credits}";
    }

    private static HistoryVerification Fail(HistoryFailure failure, string detail) => new(failure, detail);
}
