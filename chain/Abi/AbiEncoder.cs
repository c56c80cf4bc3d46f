using System.Collections;
using System.Numerics;
using System.Text;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Abi;

/// <summary>
/// Solidity ABI encoding (head/tail, 32-byte words) of a parameter list, and <c>abi.encodePacked</c>.
/// Values are described on <see cref="AbiType"/>.
/// </summary>
/// <remarks>A value of the wrong CLR type, out of range or of the wrong length throws <see cref="ArgumentException"/> naming its position.</remarks>
public static class AbiEncoder
{
    /// <summary>Encodes values as a parameter list (a tuple without its own offset), e.g. call arguments after the selector.</summary>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        try
        {
            var tuple = new TupleView(types, values);
            var result = new byte[tuple.EncodedSize()];
            tuple.Write(result);
            return result;
        }
        catch (AbiValueException e)
        {
            throw e.ToArgumentException();
        }
    }

    /// <summary>Encodes a call: the 4-byte selector followed by the encoded arguments.</summary>
    public static byte[] EncodeCall(ReadOnlySpan<byte> selector, IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        if (selector.Length != 4)
        {
            throw new ArgumentException("A selector is 4 bytes.", nameof(selector));
        }

        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        try
        {
            var tuple = new TupleView(types, values);
            var result = new byte[4 + tuple.EncodedSize()];
            selector.CopyTo(result);
            tuple.Write(result.AsSpan(4));
            return result;
        }
        catch (AbiValueException e)
        {
            throw e.ToArgumentException();
        }
    }

    /// <summary>
    /// <c>abi.encodePacked</c>: each value in its minimal form (integers in N/8 bytes, addresses in 20, bytes and
    /// strings unpadded), array elements padded to 32 bytes. Ambiguous by design; use it only where a contract does.
    /// </summary>
    public static byte[] EncodePacked(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        if (types.Count != values.Count)
        {
            throw new ArgumentException($"{types.Count} types but {values.Count} values.", nameof(values));
        }

        var output = new List<byte>(64);
        for (var i = 0; i < types.Count; i++)
        {
            try
            {
                WritePacked(output, types[i], values[i], inArray: false);
            }
            catch (AbiValueException e)
            {
                throw e.At(i).ToArgumentException();
            }
        }

        return [.. output];
    }

    internal static int Pad32(int length) => (length + 31) & ~31;

    /// <summary>Size of the full encoding of one value (head and tail for dynamic types).</summary>
    internal static int EncodedSize(AbiType type, object? value)
    {
        if (!type.IsDynamic)
        {
            return type.StaticSize;
        }

        switch (type.Kind)
        {
            case AbiTypeKind.Bytes:
                return 32 + Pad32(AbiValues.ToBytes(type, value).Length);
            case AbiTypeKind.String:
                return 32 + Pad32(Encoding.UTF8.GetByteCount(AbiValues.ToText(type, value)));
            case AbiTypeKind.Array:
                var list = AbiValues.ToList(type, value);
                var elements = new SequenceView(type.Element!, list).EncodedSize();
                return type.Length is null ? 32 + elements : elements;
            default:
                var tuple = AbiValues.ToList(type, value);
                return new TupleView(type.Components, tuple).EncodedSize();
        }
    }

    /// <summary>Writes the full encoding of one value at the start of <paramref name="destination"/>.</summary>
    internal static void Write(AbiType type, object? value, Span<byte> destination)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            case AbiTypeKind.Int:
                WriteInteger(AbiValues.ToInteger(type, value), destination);
                break;
            case AbiTypeKind.Address:
                AbiValues.ToAddress(type, value).WriteTo(destination.Slice(12, Address.Size));
                break;
            case AbiTypeKind.Bool:
                destination[31] = AbiValues.ToBool(type, value) ? (byte)1 : (byte)0;
                break;
            case AbiTypeKind.FixedBytes:
                AbiValues.ToBytes(type, value).CopyTo(destination);
                break;
            case AbiTypeKind.Bytes:
                WriteDynamicBytes(AbiValues.ToBytes(type, value), destination);
                break;
            case AbiTypeKind.String:
                var text = AbiValues.ToText(type, value);
                var length = Encoding.UTF8.GetByteCount(text);
                WriteInteger(length, destination);
                Encoding.UTF8.GetBytes(text, destination.Slice(32, length));
                break;
            case AbiTypeKind.Array:
                var list = AbiValues.ToList(type, value);
                if (type.Length is null)
                {
                    WriteInteger(list.Count, destination);
                    destination = destination[32..];
                }

                new SequenceView(type.Element!, list).Write(destination);
                break;
            default:
                new TupleView(type.Components, AbiValues.ToList(type, value)).Write(destination);
                break;
        }
    }

    internal static void WriteInteger(BigInteger value, Span<byte> word)
    {
        var slot = word[..32];
        slot.Fill(value.Sign < 0 ? (byte)0xff : (byte)0);
        var unsigned = value.Sign >= 0;
        var count = value.GetByteCount(unsigned);
        value.TryWriteBytes(slot[(32 - count)..], out _, unsigned, isBigEndian: true);
    }

    private static void WriteDynamicBytes(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        WriteInteger(bytes.Length, destination);
        bytes.CopyTo(destination[32..]);
    }

    private static void WritePacked(List<byte> output, AbiType type, object? value, bool inArray)
    {
        Span<byte> word = stackalloc byte[32];
        word.Clear();
        switch (type.Kind)
        {
            case AbiTypeKind.Array:
                var list = AbiValues.ToList(type, value);
                for (var i = 0; i < list.Count; i++)
                {
                    WritePacked(output, type.Element!, list[i], inArray: true);
                }

                return;
            case AbiTypeKind.Tuple:
                throw new AbiValueException("abi.encodePacked does not take tuples.");
            case AbiTypeKind.Bytes:
            case AbiTypeKind.String:
                if (inArray)
                {
                    throw new AbiValueException("abi.encodePacked does not take arrays of dynamic types.");
                }

                ReadOnlySpan<byte> content = type.Kind == AbiTypeKind.Bytes
                    ? AbiValues.ToBytes(type, value)
                    : Encoding.UTF8.GetBytes(AbiValues.ToText(type, value));
                foreach (var b in content)
                {
                    output.Add(b);
                }

                return;
        }

        Write(type, value, word);
        var width = inArray ? 32 : type.Kind switch
        {
            AbiTypeKind.UInt or AbiTypeKind.Int => type.Size / 8,
            AbiTypeKind.Address => Address.Size,
            AbiTypeKind.Bool => 1,
            _ => type.Size,
        };
        var slice = type.Kind == AbiTypeKind.FixedBytes && !inArray ? word[..width] : word[(32 - width)..];
        foreach (var b in slice)
        {
            output.Add(b);
        }
    }

    /// <summary>The components of a tuple (or parameter list) with their values.</summary>
    private readonly struct TupleView(IReadOnlyList<AbiType> types, IList values)
    {
        public TupleView(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
            : this(types, values as IList ?? ToList(values))
        {
        }

        public int EncodedSize()
        {
            CheckCount();
            var size = 0;
            for (var i = 0; i < types.Count; i++)
            {
                try
                {
                    var type = types[i];
                    size += type.IsDynamic ? 32 + AbiEncoder.EncodedSize(type, values[i]) : type.StaticSize;
                }
                catch (AbiValueException e)
                {
                    throw e.At(i);
                }
            }

            return size;
        }

        public void Write(Span<byte> destination)
        {
            var head = 0;
            var tail = 0;
            for (var i = 0; i < types.Count; i++)
            {
                tail += types[i].IsDynamic ? 32 : types[i].StaticSize;
            }

            for (var i = 0; i < types.Count; i++)
            {
                try
                {
                    var type = types[i];
                    if (type.IsDynamic)
                    {
                        WriteInteger(tail, destination[head..]);
                        AbiEncoder.Write(type, values[i], destination[tail..]);
                        tail += AbiEncoder.EncodedSize(type, values[i]);
                        head += 32;
                    }
                    else
                    {
                        AbiEncoder.Write(type, values[i], destination[head..]);
                        head += type.StaticSize;
                    }
                }
                catch (AbiValueException e)
                {
                    throw e.At(i);
                }
            }
        }

        private void CheckCount()
        {
            if (types.Count != values.Count)
            {
                throw new AbiValueException($"{types.Count} types but {values.Count} values.");
            }
        }

        private static object?[] ToList(IReadOnlyList<object?> values)
        {
            var array = new object?[values.Count];
            for (var i = 0; i < array.Length; i++)
            {
                array[i] = values[i];
            }

            return array;
        }
    }

    /// <summary>The elements of an array, all of one type.</summary>
    private readonly struct SequenceView(AbiType element, IList values)
    {
        public int EncodedSize()
        {
            if (!element.IsDynamic)
            {
                return values.Count * element.StaticSize;
            }

            var size = 0;
            for (var i = 0; i < values.Count; i++)
            {
                try
                {
                    size += 32 + AbiEncoder.EncodedSize(element, values[i]);
                }
                catch (AbiValueException e)
                {
                    throw e.At(i);
                }
            }

            return size;
        }

        public void Write(Span<byte> destination)
        {
            var tail = element.IsDynamic ? 32 * values.Count : 0;
            for (var i = 0; i < values.Count; i++)
            {
                try
                {
                    if (element.IsDynamic)
                    {
                        WriteInteger(tail, destination[(32 * i)..]);
                        AbiEncoder.Write(element, values[i], destination[tail..]);
                        tail += AbiEncoder.EncodedSize(element, values[i]);
                    }
                    else
                    {
                        AbiEncoder.Write(element, values[i], destination[(i * element.StaticSize)..]);
                    }
                }
                catch (AbiValueException e)
                {
                    throw e.At(i);
                }
            }
        }
    }
}
