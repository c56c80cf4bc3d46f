using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Marketplace.Runtime.Serialization;

/// <summary>
/// Appends the tag/length/value wire format to a pooled growable buffer. Rent with <see cref="Rent"/> and dispose to
/// return the buffer; writers are reused per thread so a serialization allocates nothing in steady state.
/// </summary>
public sealed class CodecWriter : IDisposable
{
    [ThreadStatic]
    private static CodecWriter? _cached;

    private byte[] _buffer;
    private int _position;

    private CodecWriter()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(256);
    }

    /// <summary>The runtime context for codecs (grain references).</summary>
    public ICodecContext? Context { get; private set; }

    /// <summary>Bytes written so far.</summary>
    public int Length => _position;

    /// <summary>The bytes written so far (valid until the next write or dispose).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    /// <summary>Gets a writer (from the per-thread cache when free).</summary>
    public static CodecWriter Rent(ICodecContext? context = null)
    {
        var writer = _cached ?? new CodecWriter();
        _cached = null;
        writer.Context = context;
        writer._position = 0;
        return writer;
    }

    /// <summary>A copy of the bytes written.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Returns the writer to the per-thread cache.</summary>
    public void Dispose()
    {
        Context = null;
        _position = 0;
        if (_buffer.Length > 1 << 20)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(256);
        }

        _cached = this;
    }

    /// <summary>Writes a field header.</summary>
    public void WriteFieldHeader(uint fieldId, WireType wireType) => WriteVarUInt64(((ulong)fieldId << 3) | (byte)wireType);

    /// <summary>Writes an unsigned varint.</summary>
    public void WriteVarUInt64(ulong value)
    {
        Ensure(10);
        var b = _buffer;
        var p = _position;
        while (value >= 0x80)
        {
            b[p++] = (byte)(value | 0x80);
            value >>= 7;
        }

        b[p++] = (byte)value;
        _position = p;
    }

    /// <summary>Writes a signed varint (zig-zag).</summary>
    public void WriteVarInt64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes four bytes little-endian.</summary>
    public void WriteFixed32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    /// <summary>Writes eight bytes little-endian.</summary>
    public void WriteFixed64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_position), value);
        _position += 8;
    }

    /// <summary>Writes a varint length and the bytes.</summary>
    public void WriteLengthPrefixed(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt64((ulong)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Writes a varint length and the UTF-8 bytes of <paramref name="value"/>.</summary>
    public void WriteString(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128)
        {
            Ensure(max + 1);
            var n = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position + 1));
            _buffer[_position] = (byte)n;
            _position += n + 1;
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt64((ulong)count);
        Ensure(count);
        Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position));
        _position += count;
    }

    /// <summary>Writes bytes as they are.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    /// <summary>Reserves space for a nested object's length; pass the result to <see cref="EndObject"/>.</summary>
    public int BeginObject()
    {
        Ensure(4);
        var start = _position;
        _position += 4;
        return start;
    }

    /// <summary>Back-fills the length of the object begun at <paramref name="start"/>.</summary>
    public void EndObject(int start) =>
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start), _position - start - 4);

    /// <summary>Gets a span of <paramref name="size"/> writable bytes; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_position, size);
    }

    /// <summary>Commits bytes written into the span from <see cref="GetSpan"/>.</summary>
    public void Advance(int count) => _position += count;

    private void Ensure(int extra)
    {
        if (_position + extra <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + extra));
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
