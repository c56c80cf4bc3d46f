// Design note: the incremental BLAKE3 state as one value type with inline buffers (no heap): the current chunk's
// chaining value and partial block, and the stack of completed subtree chaining values (at most 54 for inputs up
// to 2^64 bytes). A chunk is compressed only once more input arrives, so the last chunk, possibly the root, is
// still pending when the hash is read (spec §5.1.2). Reading the hash does not change the state.

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using C = Marketplace.Crypto.Hashing.Blake3Compression;

namespace Marketplace.Crypto.Hashing;

/// <summary>The incremental BLAKE3 hashing state (unkeyed mode).</summary>
internal struct Blake3State
{
    private const int MaxStackDepth = 54;

    private Words8 _key;
    private Words8 _chunkCv;
    private ulong _chunkCounter;
    private Block _block;
    private int _blockLength;
    private int _blocksCompressed;
    private CvStack _stack;
    private int _stackLength;

    /// <summary>Sets the state for a new unkeyed hash.</summary>
    public void Initialize()
    {
        C.LoadIv(_key);
        ((ReadOnlySpan<uint>)_key).CopyTo(_chunkCv);
        _chunkCounter = 0;
        ((Span<byte>)_block).Clear();
        _blockLength = 0;
        _blocksCompressed = 0;
        _stackLength = 0;
    }

    /// <summary>Adds input.</summary>
    [SkipLocalsInit]
    public void Update(ReadOnlySpan<byte> input)
    {
        Span<uint> cv = stackalloc uint[8];
        while (!input.IsEmpty)
        {
            if (ChunkBytes == C.ChunkLength)
            {
                // The chunk is full and more input follows, so it is not the root: finish it and merge subtrees.
                ChunkOutputChainingValue(cv);
                var totalChunks = _chunkCounter + 1;
                PushChunk(cv, totalChunks);
                ((ReadOnlySpan<uint>)_key).CopyTo(_chunkCv);
                _chunkCounter = totalChunks;
                _blockLength = 0;
                _blocksCompressed = 0;
                ((Span<byte>)_block).Clear();
            }

            // Whole blocks straight from the input while more bytes follow them (the last block stays buffered).
            while (_blockLength == 0 && input.Length > C.BlockLength && ChunkBytes + C.BlockLength < C.ChunkLength)
            {
                C.Compress(_chunkCv, input[..C.BlockLength], _chunkCounter, C.BlockLength, StartFlag, _chunkCv);
                _blocksCompressed++;
                input = input[C.BlockLength..];
            }

            if (_blockLength == C.BlockLength)
            {
                C.Compress(_chunkCv, _block, _chunkCounter, C.BlockLength, StartFlag, _chunkCv);
                _blocksCompressed++;
                _blockLength = 0;
                ((Span<byte>)_block).Clear();
            }

            var take = Math.Min(C.BlockLength - _blockLength, Math.Min(C.ChunkLength - ChunkBytes, input.Length));
            input[..take].CopyTo(((Span<byte>)_block)[_blockLength..]);
            _blockLength += take;
            input = input[take..];
        }
    }

    /// <summary>Writes <paramref name="destination"/>.Length bytes of output (extendable); the state is unchanged.</summary>
    [SkipLocalsInit]
    public readonly void Finalize(Span<byte> destination)
    {
        // The pending output: the current chunk's last block, then one parent per stacked subtree.
        Span<uint> cv = stackalloc uint[8];
        Span<byte> block = stackalloc byte[C.BlockLength];
        ((ReadOnlySpan<uint>)_chunkCv).CopyTo(cv);
        ((ReadOnlySpan<byte>)_block).CopyTo(block);
        var counter = _chunkCounter;
        var blockLength = (uint)_blockLength;
        var flags = StartFlag | C.ChunkEnd;

        Span<uint> child = stackalloc uint[8];
        for (var i = _stackLength - 1; i >= 0; i--)
        {
            C.Compress(cv, block, counter, blockLength, flags, child);
            ReadOnlySpan<uint> left = ((ReadOnlySpan<uint>)_stack).Slice(i * 8, 8);
            WriteWords(left, block[..32]);
            WriteWords(child, block[32..]);
            ((ReadOnlySpan<uint>)_key).CopyTo(cv);
            counter = 0;
            blockLength = C.BlockLength;
            flags = C.Parent;
        }

        WriteRootOutput(cv, block, blockLength, flags, destination);
    }

    /// <summary>Writes the root output bytes of a pending output (extendable output, spec §2.6).</summary>
    [SkipLocalsInit]
    public static void WriteRootOutput(
        ReadOnlySpan<uint> cv, ReadOnlySpan<byte> block, uint blockLength, uint flags, Span<byte> destination)
    {
        Span<uint> words = stackalloc uint[16];
        Span<byte> full = stackalloc byte[64];
        ulong outputCounter = 0;
        while (!destination.IsEmpty)
        {
            C.Compress(cv, block, outputCounter, blockLength, flags | C.Root, words);
            var n = Math.Min(destination.Length, 64);
            if (n == 64)
            {
                WriteWords(words, destination[..64]);
            }
            else
            {
                WriteWords(words, full);
                full[..n].CopyTo(destination);
            }

            destination = destination[n..];
            outputCounter++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteWords(ReadOnlySpan<uint> words, Span<byte> destination)
    {
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(i * 4, 4), words[i]);
        }
    }

    private readonly int ChunkBytes => (_blocksCompressed * C.BlockLength) + _blockLength;

    private readonly uint StartFlag => _blocksCompressed == 0 ? C.ChunkStart : 0;

    private readonly void ChunkOutputChainingValue(Span<uint> cv) =>
        C.Compress(_chunkCv, _block, _chunkCounter, (uint)_blockLength, StartFlag | C.ChunkEnd, cv);

    /// <summary>Pushes a finished chunk's chaining value, first merging every subtree it completes (the number of
    /// trailing zero bits of the chunk count).</summary>
    [SkipLocalsInit]
    private void PushChunk(Span<uint> cv, ulong totalChunks)
    {
        Span<byte> block = stackalloc byte[C.BlockLength];
        while ((totalChunks & 1) == 0)
        {
            _stackLength--;
            WriteWords(((ReadOnlySpan<uint>)_stack).Slice(_stackLength * 8, 8), block[..32]);
            WriteWords(cv, block[32..]);
            C.Compress(_key, block, 0, C.BlockLength, C.Parent, cv);
            totalChunks >>= 1;
        }

        if (_stackLength == MaxStackDepth)
        {
            throw new InvalidOperationException("BLAKE3 input exceeds 2^64 bytes");
        }

        cv.CopyTo(((Span<uint>)_stack).Slice(_stackLength * 8, 8));
        _stackLength++;
    }

    [InlineArray(8)]
    private struct Words8
    {
        private uint _element;
    }

    [InlineArray(C.BlockLength)]
    private struct Block
    {
        private byte _element;
    }

    [InlineArray(MaxStackDepth * 8)]
    private struct CvStack
    {
        private uint _element;
    }
}
