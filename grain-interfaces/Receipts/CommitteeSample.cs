// Design: most jobs are not re-executed; which ones are must be something neither side can choose. The executor
// cannot: the draw hashes a salt the job drew at submit and keeps to itself until the run is reported, so a worker
// that would cheat only when unobserved cannot tell, before it signs, whether its receipt will be checked. The
// marketplace cannot choose after seeing the receipt either: the salt's SHA-256 is written in the job's log at submit,
// and the salt itself is shown with the job's verification, so anyone can check the commitment and recompute the draw.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Whether a run is re-executed by a committee when its job samples (grain-interfaces/Receipts/README.md,
/// "Committee sample"): draw = SHA-256("marketplace/committee-sample/v1" ‖ executor receipt hash ‖ salt); the run is
/// sampled when the draw's first 8 bytes, read as a big-endian unsigned integer, are divisible by the rate n (1 in n
/// runs). The salt's commitment is SHA-256(salt).
/// </summary>
public static class CommitteeSample
{
    /// <summary>The salt's length in bytes.</summary>
    public const int SaltBytes = 32;

    /// <summary>The ASCII bytes the draw hashes first: <c>marketplace/committee-sample/v1</c>.</summary>
    public static ReadOnlySpan<byte> DomainTag => "marketplace/committee-sample/v1"u8;

    /// <summary>A fresh random salt.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>The commitment to <paramref name="salt"/> written in the job's log at submit: SHA-256(salt).</summary>
    public static byte[] Commitment(ReadOnlySpan<byte> salt) => SHA256.HashData(salt);

    /// <summary>Whether the run with receipt hash <paramref name="executorReceiptHash"/> is sampled at a rate of 1 in
    /// <paramref name="every"/> (1 or less: every run).</summary>
    public static bool IsSampled(ReadOnlySpan<byte> executorReceiptHash, ReadOnlySpan<byte> salt, int every)
    {
        if (executorReceiptHash.Length != ReceiptCodec.HashBytes)
        {
            throw new ArgumentException($"a receipt hash is {ReceiptCodec.HashBytes} bytes, got {executorReceiptHash.Length}", nameof(executorReceiptHash));
        }

        if (salt.Length != SaltBytes)
        {
            throw new ArgumentException($"a sample salt is {SaltBytes} bytes, got {salt.Length}", nameof(salt));
        }

        if (every <= 1)
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[64 + ReceiptCodec.HashBytes + SaltBytes];
        var input = bytes[..(DomainTag.Length + ReceiptCodec.HashBytes + SaltBytes)];
        DomainTag.CopyTo(input);
        executorReceiptHash.CopyTo(input[DomainTag.Length..]);
        salt.CopyTo(input[(DomainTag.Length + ReceiptCodec.HashBytes)..]);
        Span<byte> draw = stackalloc byte[32];
        SHA256.HashData(input, draw);
        return BinaryPrimitives.ReadUInt64BigEndian(draw) % (ulong)every == 0;
    }
}
