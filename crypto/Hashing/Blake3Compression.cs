// Design note: the BLAKE3 compression function (spec §2.2) over local variables, the 7 rounds unrolled with the
// message permutation folded into a precomputed schedule, so one call touches no heap memory. Words are read
// little-endian from the block bytes; the chaining value and output are spans of uints owned by the caller.

using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Marketplace.Crypto.Hashing;

/// <summary>The BLAKE3 compression function and its constants.</summary>
internal static class Blake3Compression
{
    public const int BlockLength = 64;
    public const int ChunkLength = 1024;

    public const uint ChunkStart = 1;
    public const uint ChunkEnd = 2;
    public const uint Parent = 4;
    public const uint Root = 8;
    public const uint KeyedHash = 16;

    public const uint Iv0 = 0x6A09E667, Iv1 = 0xBB67AE85, Iv2 = 0x3C6EF372, Iv3 = 0xA54FF53A;
    public const uint Iv4 = 0x510E527F, Iv5 = 0x9B05688C, Iv6 = 0x1F83D9AB, Iv7 = 0x5BE0CD19;

    /// <summary>Message word order of each of the 7 rounds (round r applies the permutation r times).</summary>
    private static ReadOnlySpan<byte> Schedule =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
        3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1,
        10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6,
        12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4,
        9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7,
        11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13,
    ];

    /// <summary>Writes the IV into <paramref name="cv"/>.</summary>
    public static void LoadIv(Span<uint> cv)
    {
        cv[0] = Iv0;
        cv[1] = Iv1;
        cv[2] = Iv2;
        cv[3] = Iv3;
        cv[4] = Iv4;
        cv[5] = Iv5;
        cv[6] = Iv6;
        cv[7] = Iv7;
    }

    /// <summary>Compresses one block; writes the 8-word chaining value (<paramref name="output"/> length 8) or the
    /// full 16-word extended output (length 16).</summary>
    [SkipLocalsInit]
    public static void Compress(
        ReadOnlySpan<uint> cv, ReadOnlySpan<byte> block, ulong counter, uint blockLength, uint flags, Span<uint> output)
    {
        Span<uint> m = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(i * 4, 4));
        }

        uint v0 = cv[0], v1 = cv[1], v2 = cv[2], v3 = cv[3], v4 = cv[4], v5 = cv[5], v6 = cv[6], v7 = cv[7];
        uint v8 = Iv0, v9 = Iv1, v10 = Iv2, v11 = Iv3;
        uint v12 = (uint)counter, v13 = (uint)(counter >> 32), v14 = blockLength, v15 = flags;

        var s = Schedule;
        for (var r = 0; r < 7; r++)
        {
            var o = r * 16;
            G(ref v0, ref v4, ref v8, ref v12, m[s[o]], m[s[o + 1]]);
            G(ref v1, ref v5, ref v9, ref v13, m[s[o + 2]], m[s[o + 3]]);
            G(ref v2, ref v6, ref v10, ref v14, m[s[o + 4]], m[s[o + 5]]);
            G(ref v3, ref v7, ref v11, ref v15, m[s[o + 6]], m[s[o + 7]]);
            G(ref v0, ref v5, ref v10, ref v15, m[s[o + 8]], m[s[o + 9]]);
            G(ref v1, ref v6, ref v11, ref v12, m[s[o + 10]], m[s[o + 11]]);
            G(ref v2, ref v7, ref v8, ref v13, m[s[o + 12]], m[s[o + 13]]);
            G(ref v3, ref v4, ref v9, ref v14, m[s[o + 14]], m[s[o + 15]]);
        }

        if (output.Length == 16)
        {
            output[8] = v8 ^ cv[0];
            output[9] = v9 ^ cv[1];
            output[10] = v10 ^ cv[2];
            output[11] = v11 ^ cv[3];
            output[12] = v12 ^ cv[4];
            output[13] = v13 ^ cv[5];
            output[14] = v14 ^ cv[6];
            output[15] = v15 ^ cv[7];
        }

        output[0] = v0 ^ v8;
        output[1] = v1 ^ v9;
        output[2] = v2 ^ v10;
        output[3] = v3 ^ v11;
        output[4] = v4 ^ v12;
        output[5] = v5 ^ v13;
        output[6] = v6 ^ v14;
        output[7] = v7 ^ v15;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref uint a, ref uint b, ref uint c, ref uint d, uint x, uint y)
    {
        a = a + b + x;
        d = BitOperations.RotateRight(d ^ a, 16);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 12);
        a = a + b + y;
        d = BitOperations.RotateRight(d ^ a, 8);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 7);
    }
}
