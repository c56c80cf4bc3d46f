// Design: the job's log lines are chained as they are written, each hash committing to the previous hash, the line's
// number and its fields, so a reader who kept any earlier head can check a later export extends it: a line removed,
// reordered or edited anywhere before that head changes every hash after it. The log stays bounded by dropping the
// oldest lines after the first; the first line after such a gap chains from the last dropped line's hash, which the
// export carries, so what is kept still checks and the numbering shows how many lines are gone.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>The hash chain over a job's log lines, and the offline check of an exported <see cref="JobHistory"/>.</summary>
public static class JobHistoryChain
{
    private static readonly byte[] EntryTag = "marketplace/job-history/v1"u8.ToArray();
    private static readonly byte[] GenesisTag = "marketplace/job-history/v1/genesis"u8.ToArray();

    /// <summary>What the first line of job <paramref name="jobId"/> chains from: SHA-256(ASCII
    /// <c>marketplace/job-history/v1/genesis</c> ‖ UTF-8 job id).</summary>
    public static byte[] Genesis(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(GenesisTag);
        hash.AppendData(Encoding.UTF8.GetBytes(jobId));
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// The hash of line <paramref name="sequence"/>: SHA-256(ASCII <c>marketplace/job-history/v1</c> ‖ previous hash
    /// (32 bytes) ‖ u64 sequence ‖ i64 timestamp in UTC ticks (100 ns) ‖ i32 attempt ‖ u32 length ‖ UTF-8 level ‖ u32
    /// length ‖ UTF-8 message), integers big-endian.
    /// </summary>
    public static byte[] EntryHash(ReadOnlySpan<byte> previous, long sequence, DateTimeOffset timestamp, int attempt, string level, string message)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(message);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData(EntryTag);
        hash.AppendData(previous);
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, timestamp.UtcTicks);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt32BigEndian(number, attempt);
        hash.AppendData(number[..4]);
        HistoryChainParts.AppendText(hash, level);
        HistoryChainParts.AppendText(hash, message);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Checks <paramref name="history"/> offline: every line numbered in order (0, then after the dropped lines one
    /// by one), every hash recomputed from the line and the one before, the head the last hash, and, when
    /// <paramref name="seenHead"/> is given (a head kept from an earlier look), that head among the lines' hashes: the
    /// history extends what was seen. The result names the first line that fails.
    /// </summary>
    public static HistoryVerification Verify(JobHistory history, ReadOnlySpan<byte> seenHead = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (!string.Equals(history.Kind, JobHistory.HistoryKind, StringComparison.Ordinal))
        {
            return Fail(HistoryFailure.Malformed, $"kind '{history.Kind}' is not '{JobHistory.HistoryKind}'");
        }

        var gapWellFormed = history.DroppedLines == 0 ? history.DroppedLastHash is null : history.DroppedLines > 0 && history.DroppedLastHash is { Length: 32 };
        if (string.IsNullOrEmpty(history.JobId) || history.Entries is null || history.Entries.Count == 0 || !gapWellFormed)
        {
            return Fail(HistoryFailure.Malformed, "a history names its job, has at least one line, and a 32-byte dropped_last_hash exactly when dropped_lines is above 0");
        }

        var previous = Genesis(history.JobId);
        var seen = seenHead.IsEmpty;
        for (var i = 0; i < history.Entries.Count; i++)
        {
            var entry = history.Entries[i];
            if (entry is null || entry.Level is null || entry.Message is null || entry.Hash is null)
            {
                return Fail(HistoryFailure.Malformed, $"line {i} is missing a member");
            }

            var expected = i == 0 ? 0 : i + history.DroppedLines;
            if (entry.Sequence != expected)
            {
                return Fail(HistoryFailure.WrongSequence, $"line {i} is numbered {entry.Sequence}, not {expected}: a line was removed, added or moved");
            }

            if (i == 1 && history.DroppedLastHash is { } gap)
            {
                previous = gap;
            }

            var hash = EntryHash(previous, entry.Sequence, entry.Timestamp, entry.Attempt, entry.Level, entry.Message);
            if (!hash.AsSpan().SequenceEqual(entry.Hash))
            {
                return Fail(HistoryFailure.HashMismatch, $"line {entry.Sequence} hashes to {Convert.ToHexStringLower(hash)}, not {Convert.ToHexStringLower(entry.Hash)}: it or a line before it was changed");
            }

            seen |= hash.AsSpan().SequenceEqual(seenHead);
            previous = hash;
        }

        return HistoryChainParts.Conclude(previous, history.Head, seen, seenHead, "line", "lines");
    }

    private static HistoryVerification Fail(HistoryFailure failure, string detail) => new(failure, detail);
}
