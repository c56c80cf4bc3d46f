using System.Collections;
using System.Numerics;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Abi;

/// <summary>Turns the CLR values callers pass into what the encoder writes, with range and shape checks.</summary>
internal static class AbiValues
{
    public static BigInteger ToInteger(AbiType type, object? value)
    {
        BigInteger integer = value switch
        {
            BigInteger b => b,
            int i => i,
            long l => l,
            uint u => u,
            ulong ul => ul,
            short s => s,
            ushort us => us,
            byte by => by,
            sbyte sb => sb,
            UInt128 u128 => u128,
            Int128 i128 => i128,
            _ => throw Mismatch(type, value),
        };
        var fits = type.Kind == AbiTypeKind.UInt
            ? integer.Sign >= 0 && integer.GetBitLength() <= type.Size
            : integer >= -(BigInteger.One << (type.Size - 1)) && integer < (BigInteger.One << (type.Size - 1));
        return fits ? integer : throw new AbiValueException($"{integer} does not fit {type}.");
    }

    public static Address ToAddress(AbiType type, object? value)
    {
        switch (value)
        {
            case Address address:
                return address;
            case string text:
                try
                {
                    return Address.Parse(text);
                }
                catch (CryptoFormatException e)
                {
                    throw new AbiValueException(e.Message);
                }

            default:
                throw Mismatch(type, value);
        }
    }

    public static bool ToBool(AbiType type, object? value) =>
        value is bool b ? b : throw Mismatch(type, value);

    public static ReadOnlySpan<byte> ToBytes(AbiType type, object? value)
    {
        ReadOnlySpan<byte> bytes = value switch
        {
            byte[] array => array,
            ReadOnlyMemory<byte> memory => memory.Span,
            Memory<byte> memory => memory.Span,
            Hash32 hash => hash.Bytes,
            _ => throw Mismatch(type, value),
        };
        if (type.Kind == AbiTypeKind.FixedBytes && bytes.Length != type.Size)
        {
            throw new AbiValueException($"{type} needs exactly {type.Size} bytes; got {bytes.Length}.");
        }

        return bytes;
    }

    public static string ToText(AbiType type, object? value) =>
        value as string ?? throw Mismatch(type, value);

    public static IList ToList(AbiType type, object? value)
    {
        if (value is not IList list || value is byte[] || value is string)
        {
            throw Mismatch(type, value);
        }

        var expected = type.Kind == AbiTypeKind.Tuple ? type.Components.Count : type.Length;
        if (expected is { } count && list.Count != count)
        {
            throw new AbiValueException($"{type} needs {count} elements; got {list.Count}.");
        }

        return list;
    }

    private static AbiValueException Mismatch(AbiType type, object? value) =>
        new($"a {(value is null ? "null" : value.GetType().Name)} cannot be encoded as {type}.");
}

/// <summary>A value the encoder cannot take; <see cref="Path"/> grows as the error leaves nested lists.</summary>
internal sealed class AbiValueException(string reason) : Exception(reason)
{
    public string Path { get; private set; } = "";

    public string Reason { get; } = reason;

    public AbiValueException At(int index)
    {
        Path = "[" + index + "]" + Path;
        return this;
    }

    public ArgumentException ToArgumentException() =>
        new($"ABI value at {(Path.Length == 0 ? "top level" : Path)}: {Reason}", this);
}
