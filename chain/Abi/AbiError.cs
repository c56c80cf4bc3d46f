using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Abi;

/// <summary>
/// A Solidity error: a custom <c>error Name(...)</c>, or the built-in <see cref="ErrorString"/> and
/// <see cref="Panic"/>. Revert data is the 4-byte selector followed by the encoded arguments.
/// </summary>
public sealed class AbiError
{
    private readonly AbiType[] _types;
    private readonly byte[] _selector;

    /// <summary>Creates an error from its name and parameters.</summary>
    public AbiError(string name, IReadOnlyList<AbiParameter> inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inputs);
        Name = name;
        Inputs = [.. inputs];
        _types = AbiParameter.TypesOf(Inputs);
        Signature = AbiParameter.Signature(name, Inputs);
        _selector = Keccak256.Hash(System.Text.Encoding.ASCII.GetBytes(Signature))[..4];
    }

    /// <summary><c>Error(string)</c>, selector <c>0x08c379a0</c>: <c>require(cond, "reason")</c> and <c>revert("reason")</c>.</summary>
    public static AbiError ErrorString { get; } = Parse("Error(string)");

    /// <summary><c>Panic(uint256)</c>, selector <c>0x4e487b71</c>: failed assertions, arithmetic overflow, division by zero, ...</summary>
    public static AbiError Panic { get; } = Parse("Panic(uint256)");

    /// <summary>The error name.</summary>
    public string Name { get; }

    /// <summary>The error's parameters.</summary>
    public IReadOnlyList<AbiParameter> Inputs { get; }

    /// <summary>The canonical signature, e.g. <c>TooLarge(uint256,uint256)</c>.</summary>
    public string Signature { get; }

    /// <summary>The first 4 bytes of Keccak-256 of <see cref="Signature"/>.</summary>
    public ReadOnlySpan<byte> Selector => _selector;

    /// <summary>Parses <c>Name(type,...)</c>.</summary>
    public static AbiError Parse(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var (name, types) = AbiParameter.ParseSignature(signature);
        return new AbiError(name, AbiParameter.Unnamed(types));
    }

    /// <summary>Revert data for this error with the given arguments.</summary>
    public byte[] Encode(params object?[] arguments) => AbiEncoder.EncodeCall(_selector, _types, arguments);

    /// <summary>Decodes revert data that starts with this error's selector.</summary>
    /// <exception cref="ChainFormatException">The selector differs or the arguments are not strictly encoded.</exception>
    public object?[] Decode(ReadOnlySpan<byte> revertData)
    {
        if (revertData.Length < 4 || !revertData[..4].SequenceEqual(_selector))
        {
            throw new ChainFormatException($"The revert data does not start with the selector of {Signature}.");
        }

        return AbiDecoder.Decode(_types, revertData[4..]);
    }

    /// <inheritdoc />
    public override string ToString() => Signature;
}
