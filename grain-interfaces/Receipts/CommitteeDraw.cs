// Design: the draw must be recomputable by anyone holding the executor's receipt hash and the candidate list, so it
// uses nothing but SHA-256: the seed binds the draw to the executor's receipt (a worker cannot pick its committee
// without changing the receipt it signed), and each candidate's rank is the hash of the seed and its id.
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The committee draw (grain-interfaces/Receipts/README.md, "Committee draw"): seed =
/// SHA-256("marketplace/committee-draw/v1" ‖ executor receipt hash); candidates ordered by SHA-256(seed ‖ UTF-8 worker
/// id) ascending, ties by worker id (ordinal); the committee is the first k.
/// </summary>
public static class CommitteeDraw
{
    /// <summary>The ASCII bytes the seed hashes first: <c>marketplace/committee-draw/v1</c>.</summary>
    public static ReadOnlySpan<byte> DomainTag => "marketplace/committee-draw/v1"u8;

    /// <summary>The seed of the draw for the run whose receipt hash is <paramref name="executorReceiptHash"/> (32 bytes).</summary>
    public static byte[] Seed(ReadOnlySpan<byte> executorReceiptHash)
    {
        if (executorReceiptHash.Length != ReceiptCodec.HashBytes)
        {
            throw new ArgumentException($"a receipt hash is {ReceiptCodec.HashBytes} bytes, got {executorReceiptHash.Length}", nameof(executorReceiptHash));
        }

        var bytes = new byte[DomainTag.Length + ReceiptCodec.HashBytes];
        DomainTag.CopyTo(bytes);
        executorReceiptHash.CopyTo(bytes.AsSpan(DomainTag.Length));
        return SHA256.HashData(bytes);
    }

    /// <summary>A candidate's rank in the draw: SHA-256(seed ‖ UTF-8 worker id).</summary>
    public static byte[] Rank(ReadOnlySpan<byte> seed, string workerId)
    {
        ArgumentNullException.ThrowIfNull(workerId);
        var id = Encoding.UTF8.GetBytes(workerId);
        var bytes = new byte[seed.Length + id.Length];
        seed.CopyTo(bytes);
        id.CopyTo(bytes, seed.Length);
        return SHA256.HashData(bytes);
    }

    /// <summary>Every distinct candidate in draw order: by <see cref="Rank"/> ascending (bytewise), ties by id
    /// (ordinal). Duplicates are dropped.</summary>
    public static List<string> Order(ReadOnlySpan<byte> seed, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ranked = new List<(byte[] Rank, string Id)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in candidates)
        {
            if (seen.Add(id))
            {
                ranked.Add((Rank(seed, id), id));
            }
        }

        ranked.Sort(static (a, b) =>
        {
            var byRank = a.Rank.AsSpan().SequenceCompareTo(b.Rank);
            return byRank != 0 ? byRank : string.CompareOrdinal(a.Id, b.Id);
        });
        var ordered = new List<string>(ranked.Count);
        foreach (var (_, id) in ranked)
        {
            ordered.Add(id);
        }

        return ordered;
    }

    /// <summary>The first <paramref name="count"/> candidates in draw order (fewer when there are fewer).</summary>
    public static List<string> Draw(ReadOnlySpan<byte> seed, IEnumerable<string> candidates, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ordered = Order(seed, candidates);
        return ordered.Count <= count ? ordered : ordered.GetRange(0, count);
    }
}
