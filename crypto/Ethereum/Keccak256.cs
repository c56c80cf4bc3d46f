// Design note: Ethereum's hash is the original Keccak submission with capacity 512 (rate 136 bytes) and the
// padding byte 0x01 ... 0x80. FIPS-202 SHA3-256 (System.Security.Cryptography.SHA3_256, BouncyCastle's
// Sha3Digest) uses the domain byte 0x06 instead and gives different digests, so it must not be used here.
// The permutation is written in-tree (rather than BouncyCastle's KeccakDigest, which needs byte[] and a digest
// object per call) so that hashing a span into a span allocates nothing; tests cross-check it against
// BouncyCastle's KeccakDigest(256) on random inputs.

using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Marketplace.Crypto.Ethereum;

/// <summary>Keccak-256 as Ethereum uses it (not FIPS-202 SHA3-256).</summary>
/// <example>
/// <code>
/// byte[] selector = Keccak256.Hash("transfer(address,uint256)"u8)[..4]; // a9 05 9c bb
/// </code>
/// </example>
public static class Keccak256
{
    /// <summary>Digest length in bytes.</summary>
    public const int HashSize = 32;

    private const int RateBytes = 136;
    private const int RateLanes = RateBytes / 8;

    /// <summary>Hashes <paramref name="data"/> and returns the 32-byte digest.</summary>
    /// <param name="data">The bytes to hash (any length).</param>
    /// <returns>A new 32-byte array.</returns>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new byte[HashSize];
        Hash(data, digest);
        return digest;
    }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/> without allocating.</summary>
    /// <param name="data">The bytes to hash (any length).</param>
    /// <param name="destination">Receives the digest in its first 32 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException(
                $"Keccak-256 destination must hold {HashSize} bytes, got {destination.Length}.", nameof(destination));
        }

        Span<ulong> state = stackalloc ulong[25];
        state.Clear();

        while (data.Length >= RateBytes)
        {
            AbsorbBlock(state, data[..RateBytes]);
            Permute(state);
            data = data[RateBytes..];
        }

        Span<byte> last = stackalloc byte[RateBytes];
        last.Clear();
        data.CopyTo(last);
        last[data.Length] ^= 0x01;
        last[RateBytes - 1] ^= 0x80;
        AbsorbBlock(state, last);
        Permute(state);

        for (var i = 0; i < HashSize / 8; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(i * 8, 8), state[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AbsorbBlock(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        for (var i = 0; i < RateLanes; i++)
        {
            state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block.Slice(i * 8, 8));
        }
    }

    private static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL,
        0x000000000000808bUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008aUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000aUL,
        0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    // Rho rotation amounts, in the order the pi step visits the lanes (starting from lane 1).
    private static ReadOnlySpan<byte> RhoOffsets =>
    [
        1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
    ];

    // Pi step: lane index visited at each position of that chain.
    private static ReadOnlySpan<byte> PiLanes =>
    [
        10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
    ];

    /// <summary>Keccak-f[1600]: 24 rounds of theta, rho, pi, chi, iota over 25 64-bit lanes (index x + 5y).</summary>
    internal static void Permute(Span<ulong> a)
    {
        if (a.Length != 25)
        {
            throw new ArgumentException("Keccak state has 25 lanes.", nameof(a));
        }

        var rc = RoundConstants;
        var rho = RhoOffsets;
        var pi = PiLanes;
        for (var round = 0; round < 24; round++)
        {
            // Theta.
            var c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
            var c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
            var c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
            var c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
            var c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
            var d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            var d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            var d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            var d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            var d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            for (var y = 0; y < 25; y += 5)
            {
                a[y] ^= d0;
                a[y + 1] ^= d1;
                a[y + 2] ^= d2;
                a[y + 3] ^= d3;
                a[y + 4] ^= d4;
            }

            // Rho and pi, following the single 24-lane cycle of the pi permutation.
            var carried = a[1];
            for (var i = 0; i < 24; i++)
            {
                int lane = pi[i];
                var next = a[lane];
                a[lane] = BitOperations.RotateLeft(carried, rho[i]);
                carried = next;
            }

            // Chi, row by row.
            for (var y = 0; y < 25; y += 5)
            {
                var b0 = a[y];
                var b1 = a[y + 1];
                var b2 = a[y + 2];
                var b3 = a[y + 3];
                var b4 = a[y + 4];
                a[y] = b0 ^ (~b1 & b2);
                a[y + 1] = b1 ^ (~b2 & b3);
                a[y + 2] = b2 ^ (~b3 & b4);
                a[y + 3] = b3 ^ (~b4 & b0);
                a[y + 4] = b4 ^ (~b0 & b1);
            }

            // Iota.
            a[0] ^= rc[round];
        }
    }
}
