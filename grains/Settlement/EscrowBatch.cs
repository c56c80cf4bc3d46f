using System.Buffers.Binary;
using System.Numerics;
using Marketplace.Chain;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Grains.Settlement;

/// <summary>One payout line of a batched job: <paramref name="Amount"/> (positive) to <paramref name="Account"/>.</summary>
internal readonly record struct PayoutLine(Address Account, UInt128 Amount);

/// <summary>A job in a batch: released to its <paramref name="Lines"/> (the rest of the escrow to the client), or
/// refunded to the client when it has none.</summary>
internal sealed record BatchJob(ulong JobIndex, Address Client, UInt128 Escrow, IReadOnlyList<PayoutLine> Lines);

/// <summary>
/// The calldata of <c>Escrow.releaseBatch(address[] accounts, uint256[] entries)</c> and the Merkle root the contract
/// records for it, computed off-chain by the rules of contracts/README.md ("Batch encoding", "Merkle root of a
/// batch"): accounts in order of first use (each job's client, then its payees), one header word per job
/// (<c>jobIndex | clientSlot &lt;&lt; 64 | lineCount &lt;&lt; 80</c>) followed by its lines
/// (<c>amount | accountSlot &lt;&lt; 128</c>); leaves <c>keccak256(abi.encode(jobIndex, account, amount))</c> per
/// line then for the client's rest, paired level by level with the smaller hash first, an odd node moving up.
/// </summary>
internal sealed class EscrowBatch
{
    private EscrowBatch(List<Address> accounts, List<BigInteger> entries, List<byte[]> leaves, byte[] root)
    {
        Accounts = accounts;
        Entries = entries;
        Leaves = leaves;
        Root = root;
    }

    /// <summary>The accounts the batch credits, each once.</summary>
    public IReadOnlyList<Address> Accounts { get; }

    /// <summary>The entry words.</summary>
    public IReadOnlyList<BigInteger> Entries { get; }

    /// <summary>The payout leaves in batch order.</summary>
    public IReadOnlyList<byte[]> Leaves { get; }

    /// <summary>The Merkle root over <see cref="Leaves"/> (32 bytes).</summary>
    public byte[] Root { get; }

    /// <summary>Encodes <paramref name="jobs"/> (at least one; at most 65,535 accounts and lines per job).</summary>
    /// <exception cref="ArgumentException">No job, a zero line, lines above the escrow, or too many accounts.</exception>
    public static EscrowBatch Build(IReadOnlyList<BatchJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one job.", nameof(jobs));
        }

        var accounts = new List<Address>();
        var slots = new Dictionary<Address, int>();
        var entries = new List<BigInteger>(jobs.Count * 4);
        var leaves = new List<byte[]>(jobs.Count * 4);
        foreach (var job in jobs)
        {
            var clientSlot = SlotOf(job.Client, accounts, slots);
            if (job.Lines.Count > ushort.MaxValue)
            {
                throw new ArgumentException($"Job {job.JobIndex} has {job.Lines.Count} lines; at most {ushort.MaxValue} fit a header.", nameof(jobs));
            }

            entries.Add(new BigInteger(job.JobIndex) | (new BigInteger(clientSlot) << 64) | (new BigInteger(job.Lines.Count) << 80));
            var paid = UInt128.Zero;
            foreach (var line in job.Lines)
            {
                if (line.Amount == UInt128.Zero)
                {
                    throw new ArgumentException($"Job {job.JobIndex} has a line of 0 to {line.Account}; leave it out.", nameof(jobs));
                }

                paid = checked(paid + line.Amount);
                var slot = SlotOf(line.Account, accounts, slots);
                entries.Add(ToBigInteger(line.Amount) | (new BigInteger(slot) << 128));
                leaves.Add(Leaf(job.JobIndex, line.Account, line.Amount));
            }

            if (paid > job.Escrow)
            {
                throw new ArgumentException($"Job {job.JobIndex} pays {paid}, more than its escrow of {job.Escrow}.", nameof(jobs));
            }

            if (job.Escrow - paid is var rest && rest != UInt128.Zero)
            {
                leaves.Add(Leaf(job.JobIndex, job.Client, rest));
            }
        }

        return new EscrowBatch(accounts, entries, leaves, MerkleRoot(leaves));
    }

    /// <summary>A payout leaf: <c>keccak256(jobIndex as 32 bytes || account left-padded to 32 bytes || amount as 32 bytes)</c>.</summary>
    public static byte[] Leaf(ulong jobIndex, Address account, UInt128 amount)
    {
        Span<byte> preimage = stackalloc byte[96];
        preimage.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(preimage[24..32], jobIndex);
        account.WriteTo(preimage[44..64]);
        BinaryPrimitives.WriteUInt128BigEndian(preimage[80..96], amount);
        return Keccak256.Hash(preimage);
    }

    /// <summary>The root of <paramref name="leaves"/> (at least one): pairs hashed smaller first, an odd node moving up.</summary>
    public static byte[] MerkleRoot(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0)
        {
            throw new ArgumentException("A Merkle root needs at least one leaf.", nameof(leaves));
        }

        var level = new List<byte[]>(leaves);
        Span<byte> pair = stackalloc byte[64];
        while (level.Count > 1)
        {
            var next = new List<byte[]>((level.Count + 1) / 2);
            for (var i = 0; i + 1 < level.Count; i += 2)
            {
                var (low, high) = level[i].AsSpan().SequenceCompareTo(level[i + 1]) <= 0 ? (level[i], level[i + 1]) : (level[i + 1], level[i]);
                low.CopyTo(pair);
                high.CopyTo(pair[32..]);
                next.Add(Keccak256.Hash(pair));
            }

            if (level.Count % 2 == 1)
            {
                next.Add(level[^1]);
            }

            level = next;
        }

        return level[0];
    }

    /// <summary>The hex of <see cref="Root"/>.</summary>
    public string RootHex => Hex.Encode(Root);

    private static int SlotOf(Address account, List<Address> accounts, Dictionary<Address, int> slots)
    {
        if (account == Address.Zero)
        {
            throw new ArgumentException("A batch cannot credit the zero address.", nameof(account));
        }

        if (slots.TryGetValue(account, out var slot))
        {
            return slot;
        }

        if (accounts.Count > ushort.MaxValue)
        {
            throw new ArgumentException($"A batch credits at most {ushort.MaxValue + 1} accounts.", nameof(account));
        }

        slot = accounts.Count;
        accounts.Add(account);
        slots.Add(account, slot);
        return slot;
    }

    /// <summary>An unsigned 128-bit amount as a <see cref="BigInteger"/>.</summary>
    public static BigInteger ToBigInteger(UInt128 value) => value;
}
