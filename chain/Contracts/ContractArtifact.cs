using System.Text.Json;
using Marketplace.Chain.Abi;

namespace Marketplace.Chain.Contracts;

/// <summary>A compiled contract: its ABI and creation bytecode, as written by a solc build script (<c>{"abi": [...], "bytecode": "0x..."}</c>).</summary>
/// <param name="Abi">The contract's interface.</param>
/// <param name="Bytecode">Creation code (constructor arguments are appended at deployment).</param>
public sealed record ContractArtifact(ContractAbi Abi, ReadOnlyMemory<byte> Bytecode)
{
    /// <summary>Parses an artifact; <c>bytecode</c> may be a hex string or an object with an <c>object</c> hex string (solc's standard JSON).</summary>
    /// <exception cref="ChainFormatException">The JSON is malformed or lacks the ABI or bytecode.</exception>
    public static ContractArtifact Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var abi = ContractAbi.Parse(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("bytecode", out var bytecode))
            {
                throw new ChainFormatException("A contract artifact needs a 'bytecode' property.");
            }

            if (bytecode.ValueKind == JsonValueKind.Object && bytecode.TryGetProperty("object", out var inner))
            {
                bytecode = inner;
            }

            if (bytecode.ValueKind != JsonValueKind.String)
            {
                throw new ChainFormatException("The artifact's bytecode must be a hex string.");
            }

            var text = bytecode.GetString()!;
            var code = Hex.Decode(text.StartsWith("0x", StringComparison.Ordinal) ? text : "0x" + text);
            return code.Length > 0 ? new ContractArtifact(abi, code) : throw new ChainFormatException("The artifact's bytecode is empty.");
        }
        catch (JsonException e)
        {
            throw new ChainFormatException("The contract artifact is not valid JSON: " + e.Message, e);
        }
    }
}
