namespace Marketplace.Chain.Abi;

/// <summary>The kinds of Solidity ABI types this library encodes and decodes.</summary>
public enum AbiTypeKind
{
    /// <summary><c>uintN</c>, N = 8..256 in steps of 8; values are <see cref="System.Numerics.BigInteger"/>.</summary>
    UInt,

    /// <summary><c>intN</c>, two's complement; values are <see cref="System.Numerics.BigInteger"/>.</summary>
    Int,

    /// <summary><c>address</c>; values are <see cref="Marketplace.Crypto.Ethereum.Address"/>.</summary>
    Address,

    /// <summary><c>bool</c>.</summary>
    Bool,

    /// <summary><c>bytesN</c>, N = 1..32; values are <c>byte[]</c> of exactly N bytes.</summary>
    FixedBytes,

    /// <summary><c>bytes</c>, dynamic; values are <c>byte[]</c>.</summary>
    Bytes,

    /// <summary><c>string</c>, dynamic UTF-8; values are <see cref="string"/>.</summary>
    String,

    /// <summary><c>T[k]</c> or <c>T[]</c>; values are lists (<c>object?[]</c> when decoded).</summary>
    Array,

    /// <summary><c>(T1,T2,...)</c>; values are lists of the components (<c>object?[]</c> when decoded).</summary>
    Tuple,
}
