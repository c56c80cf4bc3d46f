// Design note: every guest pointer passes through here. WASI pointers and sizes are u32 (they arrive as i32 and are
// reinterpreted), and a range is valid when pointer + length <= memory length, computed in 64 bits so it cannot
// wrap. An invalid range makes the host function return EFAULT without side effects (Wasmtime's own preview1 does
// the same for out-of-bounds guest pointers); nothing here throws. Alignment is not enforced: the span is read
// little-endian at any offset. The span stays valid for one host call (host functions never grow memory).

using System.Buffers.Binary;
using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>Bounds-checked access to a guest's linear memory during one host call.</summary>
internal readonly ref struct GuestMemory
{
    private readonly Span<byte> _bytes;

    private GuestMemory(Span<byte> bytes) => _bytes = bytes;

    /// <summary>The caller's exported <c>memory</c>; empty (every access faults) when the module exports none.
    /// Memories over 2 GiB are seen up to 2 GiB - 1: a .NET span cannot address more, and pointers beyond fault.</summary>
    public static GuestMemory Of(Caller caller)
    {
        var memory = caller.GetMemory(WasiPreview1.MemoryExport);
        if (memory is null)
        {
            return default;
        }

        var length = (int)Math.Min(memory.GetLength(), int.MaxValue);
        return new GuestMemory(memory.GetSpan(0, length));
    }

    /// <summary>Whether <c>[pointer, pointer + length)</c> lies inside memory.</summary>
    public bool Contains(int pointer, long length) =>
        length >= 0 && (ulong)(uint)pointer + (ulong)length <= (ulong)_bytes.Length;

    /// <summary>The bytes at <c>[pointer, pointer + length)</c>, both read as u32.</summary>
    public bool TryGet(int pointer, int length, out Span<byte> bytes)
    {
        if (!Contains(pointer, (uint)length))
        {
            bytes = default;
            return false;
        }

        bytes = _bytes.Slice((int)(uint)pointer, (int)(uint)length);
        return true;
    }

    /// <summary>Reads a little-endian u32 (as int) at <paramref name="pointer"/>.</summary>
    public bool TryReadInt32(int pointer, out int value)
    {
        if (!TryGet(pointer, 4, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        return true;
    }

    /// <summary>Reads a little-endian u64 at <paramref name="pointer"/>.</summary>
    public bool TryReadUInt64(int pointer, out ulong value)
    {
        if (!TryGet(pointer, 8, out var bytes))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return true;
    }

    /// <summary>Writes a little-endian u32 at <paramref name="pointer"/>.</summary>
    public bool TryWriteInt32(int pointer, int value)
    {
        if (!TryGet(pointer, 4, out var bytes))
        {
            return false;
        }

        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return true;
    }

    /// <summary>Writes a little-endian u64 at <paramref name="pointer"/>.</summary>
    public bool TryWriteUInt64(int pointer, ulong value)
    {
        if (!TryGet(pointer, 8, out var bytes))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return true;
    }

    /// <summary>Validates an array of <paramref name="count"/> (c)iovecs at <paramref name="pointer"/> (8 bytes each:
    /// u32 buffer pointer, u32 length) and every buffer it names; returns the total length.</summary>
    /// <returns>False when the array or any buffer lies outside memory.</returns>
    public bool TryMeasureIovecs(int pointer, int count, out long total)
    {
        total = 0;
        var arrayLength = (long)(uint)count * 8;
        if (arrayLength > int.MaxValue || !TryGet(pointer, (int)arrayLength, out var array))
        {
            return false;
        }

        for (var i = 0; i < array.Length; i += 8)
        {
            var buffer = BinaryPrimitives.ReadInt32LittleEndian(array[i..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(array[(i + 4)..]);
            if (!Contains(buffer, length))
            {
                return false;
            }

            total += length;
        }

        return true;
    }

    /// <summary>The buffer of iovec number <paramref name="index"/> of an array already validated by
    /// <see cref="TryMeasureIovecs"/>.</summary>
    public Span<byte> Iovec(int pointer, int index)
    {
        var entry = _bytes.Slice((int)(uint)pointer + (index * 8), 8);
        var buffer = BinaryPrimitives.ReadInt32LittleEndian(entry);
        var length = BinaryPrimitives.ReadInt32LittleEndian(entry[4..]);
        return _bytes.Slice((int)(uint)buffer, (int)(uint)length);
    }
}
