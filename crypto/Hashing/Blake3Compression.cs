// Design note: the BLAKE3 compression function (spec §2.2) over local variables, the 7 rounds unrolled with the
// message permutation resolved at write time (the round bodies were generated), so the state stays in registers and
// one call touches no heap memory. Words are read
// little-endian from the block bytes; the chaining value and output are spans of uints owned by the caller.

using System.Buffers.Binary;
using System.Numerics;

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
    public static void Compress(
        ReadOnlySpan<uint> cv, ReadOnlySpan<byte> block, ulong counter, uint blockLength, uint flags, Span<uint> output)
    {
        uint m0 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(0, 4));
        uint m1 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(4, 4));
        uint m2 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(8, 4));
        uint m3 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(12, 4));
        uint m4 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(16, 4));
        uint m5 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(20, 4));
        uint m6 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(24, 4));
        uint m7 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(28, 4));
        uint m8 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(32, 4));
        uint m9 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(36, 4));
        uint m10 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(40, 4));
        uint m11 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(44, 4));
        uint m12 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(48, 4));
        uint m13 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(52, 4));
        uint m14 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(56, 4));
        uint m15 = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(60, 4));

        uint v0 = cv[0], v1 = cv[1], v2 = cv[2], v3 = cv[3], v4 = cv[4], v5 = cv[5], v6 = cv[6], v7 = cv[7];
        uint v8 = Iv0, v9 = Iv1, v10 = Iv2, v11 = Iv3;
        uint v12 = (uint)counter, v13 = (uint)(counter >> 32), v14 = blockLength, v15 = flags;

        // Seven rounds, fully unrolled; each round's message order is the spec's permutation applied r times,
        // resolved here at write time (generated), so all state stays in registers.
        unchecked
        {
            // round 1
            v0 += v4 + m0; v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 12);
            v0 += v4 + m1; v12 = BitOperations.RotateRight(v12 ^ v0, 8);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 7);
            v1 += v5 + m2; v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 12);
            v1 += v5 + m3; v13 = BitOperations.RotateRight(v13 ^ v1, 8);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 7);
            v2 += v6 + m4; v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 12);
            v2 += v6 + m5; v14 = BitOperations.RotateRight(v14 ^ v2, 8);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 7);
            v3 += v7 + m6; v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 12);
            v3 += v7 + m7; v15 = BitOperations.RotateRight(v15 ^ v3, 8);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 7);
            v0 += v5 + m8; v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 12);
            v0 += v5 + m9; v15 = BitOperations.RotateRight(v15 ^ v0, 8);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 7);
            v1 += v6 + m10; v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 12);
            v1 += v6 + m11; v12 = BitOperations.RotateRight(v12 ^ v1, 8);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 7);
            v2 += v7 + m12; v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 12);
            v2 += v7 + m13; v13 = BitOperations.RotateRight(v13 ^ v2, 8);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 7);
            v3 += v4 + m14; v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 12);
            v3 += v4 + m15; v14 = BitOperations.RotateRight(v14 ^ v3, 8);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 7);
            // round 2
            v0 += v4 + m2; v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 12);
            v0 += v4 + m6; v12 = BitOperations.RotateRight(v12 ^ v0, 8);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 7);
            v1 += v5 + m3; v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 12);
            v1 += v5 + m10; v13 = BitOperations.RotateRight(v13 ^ v1, 8);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 7);
            v2 += v6 + m7; v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 12);
            v2 += v6 + m0; v14 = BitOperations.RotateRight(v14 ^ v2, 8);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 7);
            v3 += v7 + m4; v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 12);
            v3 += v7 + m13; v15 = BitOperations.RotateRight(v15 ^ v3, 8);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 7);
            v0 += v5 + m1; v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 12);
            v0 += v5 + m11; v15 = BitOperations.RotateRight(v15 ^ v0, 8);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 7);
            v1 += v6 + m12; v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 12);
            v1 += v6 + m5; v12 = BitOperations.RotateRight(v12 ^ v1, 8);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 7);
            v2 += v7 + m9; v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 12);
            v2 += v7 + m14; v13 = BitOperations.RotateRight(v13 ^ v2, 8);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 7);
            v3 += v4 + m15; v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 12);
            v3 += v4 + m8; v14 = BitOperations.RotateRight(v14 ^ v3, 8);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 7);
            // round 3
            v0 += v4 + m3; v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 12);
            v0 += v4 + m4; v12 = BitOperations.RotateRight(v12 ^ v0, 8);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 7);
            v1 += v5 + m10; v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 12);
            v1 += v5 + m12; v13 = BitOperations.RotateRight(v13 ^ v1, 8);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 7);
            v2 += v6 + m13; v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 12);
            v2 += v6 + m2; v14 = BitOperations.RotateRight(v14 ^ v2, 8);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 7);
            v3 += v7 + m7; v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 12);
            v3 += v7 + m14; v15 = BitOperations.RotateRight(v15 ^ v3, 8);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 7);
            v0 += v5 + m6; v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 12);
            v0 += v5 + m5; v15 = BitOperations.RotateRight(v15 ^ v0, 8);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 7);
            v1 += v6 + m9; v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 12);
            v1 += v6 + m0; v12 = BitOperations.RotateRight(v12 ^ v1, 8);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 7);
            v2 += v7 + m11; v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 12);
            v2 += v7 + m15; v13 = BitOperations.RotateRight(v13 ^ v2, 8);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 7);
            v3 += v4 + m8; v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 12);
            v3 += v4 + m1; v14 = BitOperations.RotateRight(v14 ^ v3, 8);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 7);
            // round 4
            v0 += v4 + m10; v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 12);
            v0 += v4 + m7; v12 = BitOperations.RotateRight(v12 ^ v0, 8);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 7);
            v1 += v5 + m12; v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 12);
            v1 += v5 + m9; v13 = BitOperations.RotateRight(v13 ^ v1, 8);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 7);
            v2 += v6 + m14; v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 12);
            v2 += v6 + m3; v14 = BitOperations.RotateRight(v14 ^ v2, 8);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 7);
            v3 += v7 + m13; v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 12);
            v3 += v7 + m15; v15 = BitOperations.RotateRight(v15 ^ v3, 8);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 7);
            v0 += v5 + m4; v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 12);
            v0 += v5 + m0; v15 = BitOperations.RotateRight(v15 ^ v0, 8);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 7);
            v1 += v6 + m11; v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 12);
            v1 += v6 + m2; v12 = BitOperations.RotateRight(v12 ^ v1, 8);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 7);
            v2 += v7 + m5; v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 12);
            v2 += v7 + m8; v13 = BitOperations.RotateRight(v13 ^ v2, 8);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 7);
            v3 += v4 + m1; v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 12);
            v3 += v4 + m6; v14 = BitOperations.RotateRight(v14 ^ v3, 8);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 7);
            // round 5
            v0 += v4 + m12; v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 12);
            v0 += v4 + m13; v12 = BitOperations.RotateRight(v12 ^ v0, 8);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 7);
            v1 += v5 + m9; v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 12);
            v1 += v5 + m11; v13 = BitOperations.RotateRight(v13 ^ v1, 8);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 7);
            v2 += v6 + m15; v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 12);
            v2 += v6 + m10; v14 = BitOperations.RotateRight(v14 ^ v2, 8);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 7);
            v3 += v7 + m14; v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 12);
            v3 += v7 + m8; v15 = BitOperations.RotateRight(v15 ^ v3, 8);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 7);
            v0 += v5 + m7; v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 12);
            v0 += v5 + m2; v15 = BitOperations.RotateRight(v15 ^ v0, 8);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 7);
            v1 += v6 + m5; v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 12);
            v1 += v6 + m3; v12 = BitOperations.RotateRight(v12 ^ v1, 8);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 7);
            v2 += v7 + m0; v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 12);
            v2 += v7 + m1; v13 = BitOperations.RotateRight(v13 ^ v2, 8);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 7);
            v3 += v4 + m6; v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 12);
            v3 += v4 + m4; v14 = BitOperations.RotateRight(v14 ^ v3, 8);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 7);
            // round 6
            v0 += v4 + m9; v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 12);
            v0 += v4 + m14; v12 = BitOperations.RotateRight(v12 ^ v0, 8);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 7);
            v1 += v5 + m11; v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 12);
            v1 += v5 + m5; v13 = BitOperations.RotateRight(v13 ^ v1, 8);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 7);
            v2 += v6 + m8; v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 12);
            v2 += v6 + m12; v14 = BitOperations.RotateRight(v14 ^ v2, 8);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 7);
            v3 += v7 + m15; v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 12);
            v3 += v7 + m1; v15 = BitOperations.RotateRight(v15 ^ v3, 8);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 7);
            v0 += v5 + m13; v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 12);
            v0 += v5 + m3; v15 = BitOperations.RotateRight(v15 ^ v0, 8);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 7);
            v1 += v6 + m0; v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 12);
            v1 += v6 + m10; v12 = BitOperations.RotateRight(v12 ^ v1, 8);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 7);
            v2 += v7 + m2; v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 12);
            v2 += v7 + m6; v13 = BitOperations.RotateRight(v13 ^ v2, 8);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 7);
            v3 += v4 + m4; v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 12);
            v3 += v4 + m7; v14 = BitOperations.RotateRight(v14 ^ v3, 8);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 7);
            // round 7
            v0 += v4 + m11; v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 12);
            v0 += v4 + m15; v12 = BitOperations.RotateRight(v12 ^ v0, 8);
            v8 += v12; v4 = BitOperations.RotateRight(v4 ^ v8, 7);
            v1 += v5 + m5; v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 12);
            v1 += v5 + m0; v13 = BitOperations.RotateRight(v13 ^ v1, 8);
            v9 += v13; v5 = BitOperations.RotateRight(v5 ^ v9, 7);
            v2 += v6 + m1; v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 12);
            v2 += v6 + m9; v14 = BitOperations.RotateRight(v14 ^ v2, 8);
            v10 += v14; v6 = BitOperations.RotateRight(v6 ^ v10, 7);
            v3 += v7 + m8; v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 12);
            v3 += v7 + m6; v15 = BitOperations.RotateRight(v15 ^ v3, 8);
            v11 += v15; v7 = BitOperations.RotateRight(v7 ^ v11, 7);
            v0 += v5 + m14; v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 12);
            v0 += v5 + m10; v15 = BitOperations.RotateRight(v15 ^ v0, 8);
            v10 += v15; v5 = BitOperations.RotateRight(v5 ^ v10, 7);
            v1 += v6 + m2; v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 12);
            v1 += v6 + m12; v12 = BitOperations.RotateRight(v12 ^ v1, 8);
            v11 += v12; v6 = BitOperations.RotateRight(v6 ^ v11, 7);
            v2 += v7 + m3; v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 12);
            v2 += v7 + m4; v13 = BitOperations.RotateRight(v13 ^ v2, 8);
            v8 += v13; v7 = BitOperations.RotateRight(v7 ^ v8, 7);
            v3 += v4 + m7; v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 12);
            v3 += v4 + m13; v14 = BitOperations.RotateRight(v14 ^ v3, 8);
            v9 += v14; v4 = BitOperations.RotateRight(v4 ^ v9, 7);
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
}
