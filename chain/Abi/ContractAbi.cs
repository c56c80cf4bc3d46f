using System.Text.Json;

namespace Marketplace.Chain.Abi;

/// <summary>
/// A contract's interface read from the JSON ABI solc produces (an array of function, constructor, event and error
/// entries), with look-up by name or signature.
/// </summary>
/// <example>
/// <code>
/// var abi = ContractAbi.Parse(File.ReadAllText("Token.abi.json"));
/// byte[] data = abi.GetFunction("transfer").EncodeCall(to, amount);
/// </code>
/// </example>
public sealed class ContractAbi
{
    internal ContractAbi(AbiParameter[] constructorInputs, AbiFunction[] functions, AbiEvent[] events, AbiError[] errors)
    {
        ConstructorInputs = constructorInputs;
        Functions = functions;
        Events = events;
        Errors = errors;
    }

    /// <summary>The constructor's parameters (empty when the contract declares none).</summary>
    public IReadOnlyList<AbiParameter> ConstructorInputs { get; }

    /// <summary>Every function, in ABI order.</summary>
    public IReadOnlyList<AbiFunction> Functions { get; }

    /// <summary>Every event, in ABI order.</summary>
    public IReadOnlyList<AbiEvent> Events { get; }

    /// <summary>Every custom error, in ABI order.</summary>
    public IReadOnlyList<AbiError> Errors { get; }

    /// <summary>Parses a JSON ABI: an array of entries, or an object whose <c>abi</c> property is one (a build artifact).</summary>
    /// <exception cref="ChainFormatException">The JSON is malformed or an entry or type is not understood.</exception>
    public static ContractAbi Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("abi", out var abi))
            {
                root = abi;
            }

            return ContractAbiReader.Read(root);
        }
        catch (JsonException e)
        {
            throw new ChainFormatException("The JSON ABI is not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>
    /// The function called <paramref name="nameOrSignature"/>: a plain name when it is not overloaded, else the full
    /// signature such as <c>transfer(address,uint256)</c>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such function, or the name is overloaded (the message lists the signatures).</exception>
    public AbiFunction GetFunction(string nameOrSignature) => Find(Functions, nameOrSignature, f => f.Name, f => f.Signature, "function");

    /// <summary>The event called <paramref name="nameOrSignature"/> (as for <see cref="GetFunction"/>).</summary>
    /// <exception cref="KeyNotFoundException">No such event, or the name is overloaded.</exception>
    public AbiEvent GetEvent(string nameOrSignature) => Find(Events, nameOrSignature, e => e.Name, e => e.Signature, "event");

    /// <summary>The custom error called <paramref name="nameOrSignature"/> (as for <see cref="GetFunction"/>).</summary>
    /// <exception cref="KeyNotFoundException">No such error, or the name is overloaded.</exception>
    public AbiError GetError(string nameOrSignature) => Find(Errors, nameOrSignature, e => e.Name, e => e.Signature, "error");

    /// <summary>The non-anonymous event whose topic 0 is <paramref name="topic"/>, or null.</summary>
    public AbiEvent? FindEvent(Hash32 topic)
    {
        foreach (var candidate in Events)
        {
            if (!candidate.Anonymous && candidate.Topic == topic)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Decodes revert data against <c>Error(string)</c>, <c>Panic(uint256)</c> and this contract's custom errors.</summary>
    public RevertReason DecodeRevert(ReadOnlySpan<byte> data) => RevertReason.Decode(data, Errors);

    private static T Find<T>(IReadOnlyList<T> items, string key, Func<T, string> name, Func<T, string> signature, string what)
    {
        ArgumentNullException.ThrowIfNull(key);
        var byName = new List<T>();
        foreach (var item in items)
        {
            if (signature(item) == key)
            {
                return item;
            }

            if (name(item) == key)
            {
                byName.Add(item);
            }
        }

        return byName.Count switch
        {
            1 => byName[0],
            0 => throw new KeyNotFoundException($"The ABI has no {what} '{key}'."),
            _ => throw new KeyNotFoundException(
                $"The {what} name '{key}' is overloaded; use one of: {string.Join(", ", byName.ConvertAll(i => signature(i)))}."),
        };
    }
}
