using System.Buffers.Binary;

namespace Marketplace.Wasm;

/// <summary>A linear memory: a bounds-checked byte buffer measured in 64 KiB pages.</summary>
public sealed class Memory
{
    /// <summary>Bytes per page.</summary>
    public const int PageSize = 65536;

    internal const uint HardMaxPages = 32767;

    // Fields read directly by compiled code: the buffer may be larger than Length (capacity grows by doubling).
    internal byte[] Buffer;
    internal long Length;

    /// <summary>Creates a memory of <paramref name="minimumPages"/> pages that may grow to <paramref name="maximumPages"/>.</summary>
    public Memory(uint minimumPages, uint? maximumPages = null)
    {
        if (minimumPages > HardMaxPages)
        {
            throw new WasmLinkException($"memory of {minimumPages} pages exceeds the engine's hard limit of {HardMaxPages} pages");
        }

        DeclaredMaximum = maximumPages;
        Maximum = Math.Min(maximumPages ?? 65536, HardMaxPages);
        Buffer = AllocateZeroed((long)minimumPages * PageSize);
        Length = (long)minimumPages * PageSize;
        Minimum = minimumPages;
    }

    /// <summary>Declared minimum in pages.</summary>
    public uint Minimum { get; }

    /// <summary>Declared maximum in pages (null when unbounded).</summary>
    public uint? DeclaredMaximum { get; }

    /// <summary>Effective maximum in pages (declared maximum and store limits).</summary>
    public uint Maximum { get; internal set; }

    /// <summary>Current size in pages.</summary>
    public long Pages => Length / PageSize;

    /// <summary>Current size in bytes.</summary>
    public long ByteLength => Length;

    /// <summary>The whole memory as a span (valid until the memory grows).</summary>
    public Span<byte> GetSpan() => Buffer.AsSpan(0, (int)Length);

    /// <summary>A bounds-checked slice of the memory.</summary>
    public Span<byte> GetSpan(long address, int length)
    {
        if (address < 0 || length < 0 || address + length > Length)
        {
            throw new WasmTrap(TrapCode.OutOfBoundsMemory);
        }

        return Buffer.AsSpan((int)address, length);
    }

    /// <summary>Reads a little-endian i32.</summary>
    public int ReadInt32(long address) => BinaryPrimitives.ReadInt32LittleEndian(GetSpan(address, 4));

    /// <summary>Writes a little-endian i32.</summary>
    public void WriteInt32(long address, int value) => BinaryPrimitives.WriteInt32LittleEndian(GetSpan(address, 4), value);

    /// <summary>Reads a little-endian i64.</summary>
    public long ReadInt64(long address) => BinaryPrimitives.ReadInt64LittleEndian(GetSpan(address, 8));

    /// <summary>Writes a little-endian i64.</summary>
    public void WriteInt64(long address, long value) => BinaryPrimitives.WriteInt64LittleEndian(GetSpan(address, 8), value);

    /// <summary>Grows by <paramref name="deltaPages"/>; returns the old size in pages, or -1 when over the limit.</summary>
    public int Grow(uint deltaPages)
    {
        var old = Pages;
        var wanted = old + deltaPages;
        if (wanted > Maximum)
        {
            return -1;
        }

        var newLength = wanted * PageSize;
        if (newLength > Buffer.LongLength)
        {
            var capacity = Math.Max(newLength, Math.Min(Buffer.LongLength * 2, (long)Maximum * PageSize));
            byte[] bigger;
            try
            {
                bigger = AllocateZeroed(capacity);
            }
            catch (OutOfMemoryException)
            {
                try
                {
                    bigger = AllocateZeroed(newLength);
                }
                catch (OutOfMemoryException)
                {
                    throw new WasmTrap(TrapCode.MemoryLimitExceeded, $"host could not allocate {newLength} bytes of linear memory");
                }
            }

            System.Buffer.BlockCopy(Buffer, 0, bigger, 0, (int)Length);
            Buffer = bigger;
        }

        Length = newLength;
        return (int)old;
    }

    private static byte[] AllocateZeroed(long bytes) => bytes == 0 ? Array.Empty<byte>() : new byte[bytes];
}
