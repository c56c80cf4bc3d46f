using System.Text.Json;

namespace Marketplace.Chain.Abi;

/// <summary>Reads the entries of a solc JSON ABI.</summary>
internal static class ContractAbiReader
{
    public static ContractAbi Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new ChainFormatException("A JSON ABI must be an array of entries.");
        }

        AbiParameter[] constructorInputs = [];
        var functions = new List<AbiFunction>();
        var events = new List<AbiEvent>();
        var errors = new List<AbiError>();
        foreach (var entry in root.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new ChainFormatException("Every JSON ABI entry must be an object.");
            }

            var type = OptionalString(entry, "type") ?? "function";
            switch (type)
            {
                case "function":
                    functions.Add(new AbiFunction(
                        RequiredString(entry, "name"),
                        Parameters(entry, "inputs", 0),
                        Parameters(entry, "outputs", 0),
                        OptionalString(entry, "stateMutability") ?? "nonpayable"));
                    break;
                case "constructor":
                    constructorInputs = Parameters(entry, "inputs", 0);
                    break;
                case "event":
                    events.Add(new AbiEvent(
                        RequiredString(entry, "name"),
                        Parameters(entry, "inputs", 0),
                        entry.TryGetProperty("anonymous", out var anonymous) && anonymous.ValueKind == JsonValueKind.True));
                    break;
                case "error":
                    errors.Add(new AbiError(RequiredString(entry, "name"), Parameters(entry, "inputs", 0)));
                    break;
                case "fallback":
                case "receive":
                    break;
                default:
                    throw new ChainFormatException($"Unknown JSON ABI entry type '{type}'.");
            }
        }

        return new ContractAbi(constructorInputs, [.. functions], [.. events], [.. errors]);
    }

    private static AbiParameter[] Parameters(JsonElement entry, string property, int depth)
    {
        if (!entry.TryGetProperty(property, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new ChainFormatException($"JSON ABI '{property}' must be an array.");
        }

        if (depth > AbiType.MaxDepth)
        {
            throw new ChainFormatException($"JSON ABI components nest deeper than {AbiType.MaxDepth} levels.");
        }

        var parameters = new AbiParameter[list.GetArrayLength()];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ChainFormatException($"JSON ABI '{property}' entries must be objects.");
            }

            var typeName = RequiredString(item, "type");
            var indexed = item.TryGetProperty("indexed", out var flag) && flag.ValueKind == JsonValueKind.True;
            var name = OptionalString(item, "name") ?? "";
            if (typeName.StartsWith("tuple", StringComparison.Ordinal))
            {
                var components = Parameters(item, "components", depth + 1);
                var type = AbiType.Tuple(AbiParameter.TypesOf(components));
                var suffix = typeName["tuple".Length..];
                var full = suffix.Length == 0 ? type : AbiType.Parse(type.CanonicalName + suffix);
                parameters[i++] = new AbiParameter(name, full, indexed, components);
            }
            else
            {
                parameters[i++] = new AbiParameter(name, AbiType.Parse(typeName), indexed);
            }
        }

        return parameters;
    }

    private static string RequiredString(JsonElement element, string property) =>
        OptionalString(element, property) ?? throw new ChainFormatException($"A JSON ABI entry lacks the string '{property}'.");

    private static string? OptionalString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
