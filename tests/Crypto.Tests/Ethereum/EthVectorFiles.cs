using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Crypto.Tests.Ethereum;

/// <summary>Finds and reads the Ethereum vector files under shared/crypto-vectors/eth.</summary>
internal static class EthVectorFiles
{
    /// <summary>The files this library's runners understand (RLP, transaction and ABI files belong elsewhere).</summary>
    internal static readonly string[] Known = ["keccak256.json", "secp256k1.json", "eip55_addresses.json"];

    internal static string Directory => SharedData.Path("crypto-vectors", "eth");

    /// <summary>The known files that are present, one xunit row each.</summary>
    internal static TheoryData<string> Present()
    {
        var data = new TheoryData<string>();
        foreach (var name in Known)
        {
            if (File.Exists(Path.Combine(Directory, name)))
            {
                data.Add(name);
            }
        }

        return data;
    }

    internal static JsonDocument Load(string name) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, name)));

    /// <summary>Every element of every array-valued top-level property, with the property name.</summary>
    internal static IEnumerable<(string Section, JsonElement Case)> ArraySections(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in property.Value.EnumerateArray())
                {
                    yield return (property.Name, item);
                }
            }
        }
    }

    internal static string? Text(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static int? Integer(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    internal static bool? Boolean(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    internal static byte[]? Hex(this JsonElement element, string property)
    {
        var text = element.Text(property);
        if (text is null)
        {
            return null;
        }

        return Convert.FromHexString(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text);
    }

    internal static string Name(this JsonElement element) => element.Text("name") ?? element.GetRawText()[..Math.Min(60, element.GetRawText().Length)];
}
