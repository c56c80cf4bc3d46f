using System.Text;

namespace Marketplace.Wasm.Decoding;

/// <summary>Reads the primitive encodings of the binary format (LEB128, names, bytes) with strict malformed checks.</summary>
internal ref struct WasmReader
{
    private readonly ReadOnlySpan<byte> data;
    private int pos;

    public WasmReader(ReadOnlySpan<byte> data, int start, string section)
    {
        this.data = data;
        pos = start;
        Section = section;
    }

    public string Section { get; set; }

    public int Position
    {
        readonly get => pos;
        set => pos = value;
    }

    public readonly int Length => data.Length;

    public readonly bool AtEnd => pos >= data.Length;

    public readonly WasmValidationException Error(string reason) => new(Section, pos, reason);

    public readonly WasmValidationException ErrorAt(int offset, string reason) => new(Section, offset, reason);

    public byte ReadByte()
    {
        if (pos >= data.Length)
        {
            throw Error("unexpected end");
        }

        return data[pos++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > data.Length - pos)
        {
            throw Error("unexpected end of section or function");
        }

        var s = data.Slice(pos, count);
        pos += count;
        return s;
    }

    public uint ReadU32()
    {
        uint result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Error("integer representation too long");
                }

                if ((b & 0x70) != 0)
                {
                    throw Error("integer too large");
                }

                return result | ((uint)b << 28);
            }

            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public int ReadIndex() => (int)Math.Min(ReadU32(), int.MaxValue);

    public int ReadS32()
    {
        int result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Error("integer representation too long");
                }

                var high = b & 0x78;
                if (high != 0 && high != 0x78)
                {
                    throw Error("integer too large");
                }

                return result | (b << 28);
            }

            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (shift < 25 && (b & 0x40) != 0)
                {
                    result |= -1 << (shift + 7);
                }

                return result;
            }
        }
    }

    public long ReadS64()
    {
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63)
            {
                if ((b & 0x80) != 0)
                {
                    throw Error("integer representation too long");
                }

                var high = b & 0x7F;
                if (high != 0 && high != 0x7F)
                {
                    throw Error("integer too large");
                }

                return result | ((long)b << 63);
            }

            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (shift < 57 && (b & 0x40) != 0)
                {
                    result |= -1L << (shift + 7);
                }

                return result;
            }
        }
    }

    /// <summary>Signed 33-bit LEB (block types), at most 5 bytes.</summary>
    public long ReadS33()
    {
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x80) != 0)
                {
                    throw Error("integer representation too long");
                }

                var high = b & 0x70;
                if (high != 0 && high != 0x70)
                {
                    throw Error("integer too large");
                }

                result |= (long)(b & 0x7F) << 28;
                if ((b & 0x10) != 0)
                {
                    result |= -1L << 33;
                }

                return result;
            }

            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if ((b & 0x40) != 0)
                {
                    result |= -1L << (shift + 7);
                }

                return result;
            }
        }
    }

    public uint ReadF32Bits() => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    public ulong ReadF64Bits() => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public string ReadName()
    {
        var len = ReadU32();
        var start = pos;
        var bytes = ReadBytes(len > int.MaxValue ? -1 : (int)len);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw ErrorAt(start, "malformed UTF-8 encoding");
        }
    }

    public ValueKind ReadValueType()
    {
        var b = ReadByte();
        return b switch
        {
            0x7F or 0x7E or 0x7D or 0x7C or 0x70 or 0x6F => (ValueKind)b,
            _ => throw ErrorAt(pos - 1, $"malformed value type 0x{b:x2}"),
        };
    }

    public ValueKind ReadRefType()
    {
        var b = ReadByte();
        return b switch
        {
            0x70 or 0x6F => (ValueKind)b,
            _ => throw ErrorAt(pos - 1, $"malformed reference type 0x{b:x2}"),
        };
    }
}
