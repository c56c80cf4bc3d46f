using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Marketplace.Chain.Rlp;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Chain.Tests.Vectors;

/// <summary>Runs every case of every file in shared/crypto-vectors/eth/rlp (ethereum/tests RLPTests format).</summary>
public sealed class RlpVectorTests(ITestOutputHelper output)
{
    private static readonly string[] KnownFiles = ["rlptest.json", "invalidRLPTest.json"];

    public static TheoryData<string> Files()
    {
        var folder = Path.Combine(EthVectors.Directory, "rlp");
        Assert.True(System.IO.Directory.Exists(folder), $"The RLP vector folder {folder} is missing.");
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void TheKnownFilesArePresent()
    {
        foreach (var name in KnownFiles)
        {
            Assert.True(File.Exists(Path.Combine(EthVectors.Directory, "rlp", name)), $"rlp/{name} is missing.");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryCaseOfTheFilePasses(string file)
    {
        using var document = EthVectors.Load("rlp", file);
        var valid = 0;
        var invalid = 0;
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var input = entry.Value.GetProperty("in");
            var encoded = EthVectors.HexBytes(entry.Value.GetProperty("out").GetString()!);
            if (input.ValueKind == JsonValueKind.String && input.GetString() == "INVALID")
            {
                var error = Assert.Throws<ChainFormatException>(() => RlpDecoder.Decode(encoded));
                output.WriteLine($"{entry.Name}: rejected ({error.Message})");
                invalid++;
                continue;
            }

            var expected = ToItem(input);
            var ours = RlpEncoder.Encode(expected);
            Assert.True(ours.AsSpan().SequenceEqual(encoded), $"{file}/{entry.Name}: encoding {Convert.ToHexStringLower(ours)} differs.");
            var decoded = RlpDecoder.Decode(encoded);
            AssertSame(expected, decoded, entry.Name);
            Assert.Equal(encoded, RlpEncoder.Encode(decoded));
            valid++;
        }

        output.WriteLine($"{file}: {valid} encode/decode cases, {invalid} rejections passed.");
        EthVectors.RequireCases(file, valid + invalid);
    }

    private static RlpItem ToItem(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => RlpItem.List([.. value.EnumerateArray().Select(ToItem)]),
        JsonValueKind.Number => RlpItem.String(IntegerBytes(value.GetUInt64())),
        JsonValueKind.String when value.GetString()!.StartsWith('#') =>
            RlpItem.String(IntegerBytes(BigInteger.Parse(value.GetString()![1..], CultureInfo.InvariantCulture))),
        JsonValueKind.String => RlpItem.String(Encoding.UTF8.GetBytes(value.GetString()!)),
        _ => throw new InvalidDataException($"Unexpected RLP vector input {value.GetRawText()}."),
    };

    private static byte[] IntegerBytes(BigInteger value) => value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);

    private static void AssertSame(RlpItem expected, RlpItem actual, string name)
    {
        Assert.Equal(expected.IsList, actual.IsList);
        if (!expected.IsList)
        {
            Assert.True(expected.Bytes.Span.SequenceEqual(actual.Bytes.Span), $"{name}: decoded bytes differ.");
            return;
        }

        Assert.Equal(expected.Items.Count, actual.Items.Count);
        for (var i = 0; i < expected.Items.Count; i++)
        {
            AssertSame(expected.Items[i], actual.Items[i], name);
        }
    }
}
