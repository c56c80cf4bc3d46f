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

    /// <summary>
    /// Keccak-f[1600]: 24 rounds of theta, rho, pi, chi, iota over 25 64-bit lanes (index x + 5y), with the lanes
    /// held in locals (theta, rho and pi fused into one step per lane) so that the JIT keeps them in registers.
    /// </summary>
    internal static void Permute(Span<ulong> state)
    {
        if (state.Length != 25)
        {
            throw new ArgumentException("Keccak state has 25 lanes.", nameof(state));
        }

        ulong a0 = state[0];
        ulong a1 = state[1];
        ulong a2 = state[2];
        ulong a3 = state[3];
        ulong a4 = state[4];
        ulong a5 = state[5];
        ulong a6 = state[6];
        ulong a7 = state[7];
        ulong a8 = state[8];
        ulong a9 = state[9];
        ulong a10 = state[10];
        ulong a11 = state[11];
        ulong a12 = state[12];
        ulong a13 = state[13];
        ulong a14 = state[14];
        ulong a15 = state[15];
        ulong a16 = state[16];
        ulong a17 = state[17];
        ulong a18 = state[18];
        ulong a19 = state[19];
        ulong a20 = state[20];
        ulong a21 = state[21];
        ulong a22 = state[22];
        ulong a23 = state[23];
        ulong a24 = state[24];

        var rc = RoundConstants;
        for (var round = 0; round < 24; round++)
        {
            var c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
            var c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
            var c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
            var c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
            var c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
            var d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            var d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            var d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            var d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            var d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            var b0 = a0 ^ d0;
            var b10 = BitOperations.RotateLeft(a1 ^ d1, 1);
            var b20 = BitOperations.RotateLeft(a2 ^ d2, 62);
            var b5 = BitOperations.RotateLeft(a3 ^ d3, 28);
            var b15 = BitOperations.RotateLeft(a4 ^ d4, 27);
            var b16 = BitOperations.RotateLeft(a5 ^ d0, 36);
            var b1 = BitOperations.RotateLeft(a6 ^ d1, 44);
            var b11 = BitOperations.RotateLeft(a7 ^ d2, 6);
            var b21 = BitOperations.RotateLeft(a8 ^ d3, 55);
            var b6 = BitOperations.RotateLeft(a9 ^ d4, 20);
            var b7 = BitOperations.RotateLeft(a10 ^ d0, 3);
            var b17 = BitOperations.RotateLeft(a11 ^ d1, 10);
            var b2 = BitOperations.RotateLeft(a12 ^ d2, 43);
            var b12 = BitOperations.RotateLeft(a13 ^ d3, 25);
            var b22 = BitOperations.RotateLeft(a14 ^ d4, 39);
            var b23 = BitOperations.RotateLeft(a15 ^ d0, 41);
            var b8 = BitOperations.RotateLeft(a16 ^ d1, 45);
            var b18 = BitOperations.RotateLeft(a17 ^ d2, 15);
            var b3 = BitOperations.RotateLeft(a18 ^ d3, 21);
            var b13 = BitOperations.RotateLeft(a19 ^ d4, 8);
            var b14 = BitOperations.RotateLeft(a20 ^ d0, 18);
            var b24 = BitOperations.RotateLeft(a21 ^ d1, 2);
            var b9 = BitOperations.RotateLeft(a22 ^ d2, 61);
            var b19 = BitOperations.RotateLeft(a23 ^ d3, 56);
            var b4 = BitOperations.RotateLeft(a24 ^ d4, 14);
            a0 = b0 ^ (~b1 & b2);
            a1 = b1 ^ (~b2 & b3);
            a2 = b2 ^ (~b3 & b4);
            a3 = b3 ^ (~b4 & b0);
            a4 = b4 ^ (~b0 & b1);
            a5 = b5 ^ (~b6 & b7);
            a6 = b6 ^ (~b7 & b8);
            a7 = b7 ^ (~b8 & b9);
            a8 = b8 ^ (~b9 & b5);
            a9 = b9 ^ (~b5 & b6);
            a10 = b10 ^ (~b11 & b12);
            a11 = b11 ^ (~b12 & b13);
            a12 = b12 ^ (~b13 & b14);
            a13 = b13 ^ (~b14 & b10);
            a14 = b14 ^ (~b10 & b11);
            a15 = b15 ^ (~b16 & b17);
            a16 = b16 ^ (~b17 & b18);
            a17 = b17 ^ (~b18 & b19);
            a18 = b18 ^ (~b19 & b15);
            a19 = b19 ^ (~b15 & b16);
            a20 = b20 ^ (~b21 & b22);
            a21 = b21 ^ (~b22 & b23);
            a22 = b22 ^ (~b23 & b24);
            a23 = b23 ^ (~b24 & b20);
            a24 = b24 ^ (~b20 & b21);
            a0 ^= rc[round];
        }

        state[0] = a0;
        state[1] = a1;
        state[2] = a2;
        state[3] = a3;
        state[4] = a4;
        state[5] = a5;
        state[6] = a6;
        state[7] = a7;
        state[8] = a8;
        state[9] = a9;
        state[10] = a10;
        state[11] = a11;
        state[12] = a12;
        state[13] = a13;
        state[14] = a14;
        state[15] = a15;
        state[16] = a16;
        state[17] = a17;
        state[18] = a18;
        state[19] = a19;
        state[20] = a20;
        state[21] = a21;
        state[22] = a22;
        state[23] = a23;
        state[24] = a24;
    }
}
