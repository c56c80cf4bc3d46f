using System.Numerics;
using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Chain.Tests.Vectors;

/// <summary>Finds the Ethereum vector files under shared/crypto-vectors/eth; a missing folder or file fails the test.</summary>
internal static class EthVectors
{
    internal static string Directory => SharedData.Path("crypto-vectors", "eth");

    /// <summary>Loads a file that must exist.</summary>
    internal static JsonDocument Load(params string[] parts)
    {
        var path = SharedData.Path(["crypto-vectors", "eth", .. parts]);
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    internal static string? Text(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static string RequiredText(this JsonElement element, string property) =>
        element.Text(property) ?? throw new InvalidDataException($"Vector {element.Name()} lacks '{property}'.");

    internal static byte[] HexBytes(string text) =>
        Convert.FromHexString(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text);

    internal static BigInteger Quantity(this JsonElement element, string property) =>
        element.Text(property) is { } text ? Hex.DecodeQuantity(text) : BigInteger.Zero;

    internal static string Name(this JsonElement element) => element.Text("name") ?? "(unnamed)";

    internal static void RequireCases(string file, int cases) =>
        Assert.True(cases > 0, $"{file} holds no cases; the runner must see at least one.");
}
