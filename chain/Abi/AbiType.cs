using System.Text;

namespace Marketplace.Chain.Abi;

/// <summary>
/// A Solidity ABI type. Parse one with <see cref="Parse"/> (<c>"uint256"</c>, <c>"(uint64,bytes32)[]"</c>,
/// <c>"bytes3[2]"</c>; <c>uint</c>/<c>int</c> mean 256 bits) or build it with the factory methods.
/// </summary>
/// <remarks>
/// Values handed to <see cref="AbiEncoder"/> and returned by <see cref="AbiDecoder"/>: integers as
/// <see cref="System.Numerics.BigInteger"/> (the encoder also takes the built-in integer types), <c>address</c> as
/// <see cref="Marketplace.Crypto.Ethereum.Address"/> (or an EIP-55 string), <c>bool</c>, <c>byte[]</c> for
/// <c>bytes</c>/<c>bytesN</c>, <see cref="string"/>, and for arrays and tuples any <see cref="System.Collections.IList"/>
/// (decoded as <c>object?[]</c>).
/// </remarks>
public sealed class AbiType : IEquatable<AbiType>
{
    /// <summary>Deepest nesting of arrays and tuples accepted.</summary>
    public const int MaxDepth = 32;

    /// <summary>Largest static encoding accepted (bytes), which bounds fixed-size arrays.</summary>
    internal const int MaxStaticSize = 1 << 24;

    private static readonly AbiType[] NoComponents = [];

    private AbiType(AbiTypeKind kind, int size, AbiType? element, int? length, AbiType[] components, string name)
    {
        Kind = kind;
        Size = size;
        Element = element;
        Length = length;
        Components = components;
        CanonicalName = name;
        IsDynamic = kind switch
        {
            AbiTypeKind.Bytes or AbiTypeKind.String => true,
            AbiTypeKind.Array => length is null || element!.IsDynamic,
            AbiTypeKind.Tuple => AnyDynamic(components),
            _ => false,
        };
        long staticSize = kind switch
        {
            AbiTypeKind.Array when !IsDynamic => (long)length!.Value * element!.StaticSize,
            AbiTypeKind.Tuple when !IsDynamic => SumStatic(components),
            _ => 32,
        };
        if (staticSize > MaxStaticSize)
        {
            throw new ChainFormatException($"The ABI type {name} has a static size over {MaxStaticSize} bytes.");
        }

        StaticSize = (int)staticSize;
        Depth = kind switch
        {
            AbiTypeKind.Array => element!.Depth + 1,
            AbiTypeKind.Tuple => 1 + MaxDepthOf(components),
            _ => 0,
        };
        if (Depth > MaxDepth)
        {
            throw new ChainFormatException($"The ABI type nests deeper than {MaxDepth} levels.");
        }
    }

    /// <summary>What kind of type this is.</summary>
    public AbiTypeKind Kind { get; }

    /// <summary>Bits for <c>uintN</c>/<c>intN</c>, bytes for <c>bytesN</c>, 0 otherwise.</summary>
    public int Size { get; }

    /// <summary>The element type of an array, else null.</summary>
    public AbiType? Element { get; }

    /// <summary>The length of a fixed-size array, null for a dynamic array or a non-array.</summary>
    public int? Length { get; }

    /// <summary>The components of a tuple (empty for other kinds).</summary>
    public IReadOnlyList<AbiType> Components { get; }

    /// <summary>The canonical name used in signatures, e.g. <c>(uint256,address)[]</c>.</summary>
    public string CanonicalName { get; }

    /// <summary>True when the encoding has a head offset and a tail (bytes, string, T[], and anything holding them).</summary>
    public bool IsDynamic { get; }

    /// <summary>Bytes the value takes in the head: 32 for dynamic types, the full encoding for static ones.</summary>
    internal int StaticSize { get; }

    internal int Depth { get; }

    /// <summary><c>uintN</c>.</summary>
    public static AbiType UInt(int bits) => Integer(AbiTypeKind.UInt, bits);

    /// <summary><c>intN</c>.</summary>
    public static AbiType Int(int bits) => Integer(AbiTypeKind.Int, bits);

    /// <summary><c>address</c>.</summary>
    public static AbiType Address { get; } = new(AbiTypeKind.Address, 0, null, null, NoComponents, "address");

    /// <summary><c>bool</c>.</summary>
    public static AbiType Bool { get; } = new(AbiTypeKind.Bool, 0, null, null, NoComponents, "bool");

    /// <summary><c>bytes</c>.</summary>
    public static AbiType Bytes { get; } = new(AbiTypeKind.Bytes, 0, null, null, NoComponents, "bytes");

    /// <summary><c>string</c>.</summary>
    public static AbiType String { get; } = new(AbiTypeKind.String, 0, null, null, NoComponents, "string");

    /// <summary><c>bytesN</c>, N = 1..32.</summary>
    public static AbiType FixedBytes(int size) =>
        size is >= 1 and <= 32
            ? new AbiType(AbiTypeKind.FixedBytes, size, null, null, NoComponents, "bytes" + size)
            : throw new ChainFormatException($"bytes{size} is not an ABI type (bytes1..bytes32).");

    /// <summary><c>T[length]</c>, or <c>T[]</c> when <paramref name="length"/> is null.</summary>
    public static AbiType ArrayOf(AbiType element, int? length = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (length is <= 0)
        {
            throw new ChainFormatException($"A fixed-size ABI array needs a length of at least 1; got {length}.");
        }

        if (element.Kind == AbiTypeKind.Tuple && element.Components.Count == 0)
        {
            throw new ChainFormatException("An array of empty tuples is not an ABI type.");
        }

        return new AbiType(AbiTypeKind.Array, 0, element, length, NoComponents, element.CanonicalName + "[" + length + "]");
    }

    /// <summary><c>(T1,T2,...)</c>.</summary>
    public static AbiType Tuple(params AbiType[] components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var copy = (AbiType[])components.Clone();
        var name = new StringBuilder("(");
        for (var i = 0; i < copy.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(copy[i], nameof(components));
            name.Append(i == 0 ? "" : ",").Append(copy[i].CanonicalName);
        }

        return new AbiType(AbiTypeKind.Tuple, 0, null, null, copy, name.Append(')').ToString());
    }

    /// <summary>Parses a canonical or short type name.</summary>
    /// <exception cref="ChainFormatException">The text is not an ABI type this library supports.</exception>
    public static AbiType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return AbiTypeParser.Parse(text);
    }

    /// <inheritdoc />
    public override string ToString() => CanonicalName;

    /// <inheritdoc />
    public bool Equals(AbiType? other) => other is not null && CanonicalName == other.CanonicalName;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AbiType);

    /// <inheritdoc />
    public override int GetHashCode() => CanonicalName.GetHashCode(StringComparison.Ordinal);

    private static AbiType Integer(AbiTypeKind kind, int bits)
    {
        var prefix = kind == AbiTypeKind.UInt ? "uint" : "int";
        return bits is >= 8 and <= 256 && bits % 8 == 0
            ? new AbiType(kind, bits, null, null, NoComponents, prefix + bits)
            : throw new ChainFormatException($"{prefix}{bits} is not an ABI type (sizes 8..256 in steps of 8).");
    }

    private static bool AnyDynamic(AbiType[] components)
    {
        foreach (var component in components)
        {
            if (component.IsDynamic)
            {
                return true;
            }
        }

        return false;
    }

    private static long SumStatic(AbiType[] components)
    {
        long sum = 0;
        foreach (var component in components)
        {
            sum += component.StaticSize;
        }

        return sum;
    }

    private static int MaxDepthOf(AbiType[] components)
    {
        var max = 0;
        foreach (var component in components)
        {
            max = Math.Max(max, component.Depth);
        }

        return max;
    }
}
