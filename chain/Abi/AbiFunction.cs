using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Abi;

/// <summary>A contract function: its signature, 4-byte selector, and how to encode calls and decode results.</summary>
/// <example>
/// <code>
/// var transfer = AbiFunction.Parse("transfer(address,uint256)", "bool");
/// byte[] calldata = transfer.EncodeCall(recipient, BigInteger.Parse("1000"));
/// bool ok = (bool)transfer.DecodeOutput(returnData)[0]!;
/// </code>
/// </example>
public sealed class AbiFunction
{
    private readonly AbiType[] _inputTypes;
    private readonly AbiType[] _outputTypes;
    private readonly byte[] _selector;

    /// <summary>Creates a function from its name and parameters (as read from a JSON ABI).</summary>
    public AbiFunction(string name, IReadOnlyList<AbiParameter> inputs, IReadOnlyList<AbiParameter> outputs, string stateMutability = "nonpayable")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Name = name;
        Inputs = [.. inputs];
        Outputs = [.. outputs];
        StateMutability = stateMutability;
        _inputTypes = AbiParameter.TypesOf(Inputs);
        _outputTypes = AbiParameter.TypesOf(Outputs);
        Signature = AbiParameter.Signature(name, Inputs);
        _selector = Keccak256.Hash(System.Text.Encoding.ASCII.GetBytes(Signature))[..4];
    }

    /// <summary>The function name.</summary>
    public string Name { get; }

    /// <summary>Input parameters.</summary>
    public IReadOnlyList<AbiParameter> Inputs { get; }

    /// <summary>Output parameters.</summary>
    public IReadOnlyList<AbiParameter> Outputs { get; }

    /// <summary><c>pure</c>, <c>view</c>, <c>nonpayable</c> or <c>payable</c>.</summary>
    public string StateMutability { get; }

    /// <summary>True for <c>pure</c> and <c>view</c> functions (called, not sent).</summary>
    public bool IsReadOnly => StateMutability is "view" or "pure";

    /// <summary>The canonical signature, e.g. <c>transfer(address,uint256)</c>.</summary>
    public string Signature { get; }

    /// <summary>The first 4 bytes of Keccak-256 of <see cref="Signature"/>.</summary>
    public ReadOnlySpan<byte> Selector => _selector;

    /// <summary>Parses <c>name(type,...)</c> with optional output types, e.g. <c>Parse("balanceOf(address)", "uint256")</c>.</summary>
    /// <exception cref="ChainFormatException">The signature or an output type does not parse.</exception>
    public static AbiFunction Parse(string signature, string outputTypes = "")
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(outputTypes);
        var (name, types) = AbiParameter.ParseSignature(signature);
        return new AbiFunction(name, AbiParameter.Unnamed(types), AbiParameter.Unnamed(AbiTypeParser.ParseList(outputTypes)));
    }

    /// <summary>Selector followed by the encoded arguments.</summary>
    /// <exception cref="ArgumentException">An argument does not fit its parameter type.</exception>
    public byte[] EncodeCall(params object?[] arguments) => AbiEncoder.EncodeCall(_selector, _inputTypes, arguments);

    /// <summary>Decodes the return data into the output values.</summary>
    /// <exception cref="ChainFormatException">The data is not a strict encoding of the outputs.</exception>
    public object?[] DecodeOutput(ReadOnlySpan<byte> returnData) => AbiDecoder.Decode(_outputTypes, returnData);

    /// <summary>Decodes call data (selector and arguments) into the input values.</summary>
    /// <exception cref="ChainFormatException">The selector differs or the arguments are not strictly encoded.</exception>
    public object?[] DecodeInput(ReadOnlySpan<byte> calldata)
    {
        if (calldata.Length < 4 || !calldata[..4].SequenceEqual(_selector))
        {
            throw new ChainFormatException($"The call data does not start with the selector of {Signature}.");
        }

        return AbiDecoder.Decode(_inputTypes, calldata[4..]);
    }

    /// <inheritdoc />
    public override string ToString() => Signature;
}
