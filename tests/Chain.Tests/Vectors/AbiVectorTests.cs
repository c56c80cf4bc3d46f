using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Marketplace.Chain.Abi;
using Marketplace.Crypto.Ethereum;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Chain.Tests.Vectors;

/// <summary>Runs every case of abi.json: calls, encodings, packed encodings, events, errors, and rejected decodings.</summary>
public sealed class AbiVectorTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryCasePasses()
    {
        using var document = EthVectors.Load("abi.json");
        var cases = 0;
        foreach (var section in document.RootElement.EnumerateObject())
        {
            if (section.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var vector in section.Value.EnumerateArray())
            {
                var kind = vector.Text("kind") ?? section.Name;
                switch (kind)
                {
                    case "function_call": RunCall(vector); break;
                    case "encode": RunEncode(vector); break;
                    case "encode_packed": RunPacked(vector); break;
                    case "event": RunEvent(vector); break;
                    case "error": RunError(vector); break;
                    case "decode_must_fail":
                    case "decode_policy_cases":
                        RunMustFail(vector);
                        break;
                    default:
                        Assert.Fail($"abi.json {section.Name}/{vector.Name()}: no runner for kind '{kind}'.");
                        break;
                }

                cases++;
            }
        }

        output.WriteLine($"abi.json: {cases} cases passed.");
        EthVectors.RequireCases("abi.json", cases);
    }

    private static void RunCall(JsonElement vector)
    {
        var function = AbiFunction.Parse(vector.RequiredText("signature"));
        var types = Types(vector);
        Assert.Equal(function.Inputs.Select(i => i.Type).ToArray(), types);
        AssertHex(vector.RequiredText("selector"), function.Selector.ToArray(), vector);
        var values = Values(types, vector.GetProperty("values"));
        AssertHex(vector.RequiredText("calldata"), function.EncodeCall(values), vector);
        AssertValues(values, function.DecodeInput(EthVectors.HexBytes(vector.RequiredText("calldata"))), vector);
    }

    private static void RunEncode(JsonElement vector)
    {
        var types = Types(vector);
        var values = Values(types, vector.GetProperty("values"));
        var encoded = EthVectors.HexBytes(vector.RequiredText("encoded"));
        AssertHex(vector.RequiredText("encoded"), AbiEncoder.Encode(types, values), vector);
        AssertValues(values, AbiDecoder.Decode(types, encoded), vector);
    }

    private static void RunPacked(JsonElement vector)
    {
        var types = Types(vector);
        AssertHex(vector.RequiredText("encoded"), AbiEncoder.EncodePacked(types, Values(types, vector.GetProperty("values"))), vector);
    }

    private static void RunEvent(JsonElement vector)
    {
        var indexed = vector.GetProperty("indexed").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        var abiEvent = AbiEvent.Parse(vector.RequiredText("signature"), indexed);
        var types = abiEvent.Inputs.Select(i => i.Type).ToArray();
        var values = Values(types, vector.GetProperty("values"));
        var topics = vector.GetProperty("topics").EnumerateArray().Select(t => Hash32.Parse(t.GetString()!)).ToArray();
        Assert.Equal(abiEvent.Topic, topics[0]);
        var next = 1;
        for (var i = 0; i < indexed.Length; i++)
        {
            if (indexed[i])
            {
                Assert.Equal(topics[next++], abiEvent.EncodeTopic(i, values[i]));
            }
        }

        var decoded = abiEvent.Decode(topics, EthVectors.HexBytes(vector.RequiredText("data")));
        AssertValues(values, [.. decoded.Values], vector);
    }

    private static void RunError(JsonElement vector)
    {
        var error = AbiError.Parse(vector.RequiredText("signature"));
        AssertHex(vector.RequiredText("selector"), error.Selector.ToArray(), vector);
        var types = error.Inputs.Select(i => i.Type).ToArray();
        var values = Values(types, vector.GetProperty("values"));
        var data = EthVectors.HexBytes(vector.RequiredText("revert_data"));
        AssertHex(vector.RequiredText("revert_data"), error.Encode(values), vector);
        AssertValues(values, error.Decode(data), vector);
        var reason = RevertReason.Decode(data, [error]);
        Assert.NotEqual(RevertKind.Unknown, reason.Kind);
        Assert.Same(error.Signature == AbiError.ErrorString.Signature ? AbiError.ErrorString : error, reason.Error);
        if (reason.Kind == RevertKind.ErrorString)
        {
            Assert.Equal(values[0], reason.Message);
        }
    }

    private void RunMustFail(JsonElement vector)
    {
        var types = Types(vector);
        var error = Assert.Throws<ChainFormatException>(() => AbiDecoder.Decode(types, EthVectors.HexBytes(vector.RequiredText("data"))));
        output.WriteLine($"{vector.Name()}: rejected ({error.Message})");
    }

    private static AbiType[] Types(JsonElement vector) =>
        [.. vector.GetProperty("types").EnumerateArray().Select(t => AbiType.Parse(t.GetString()!))];

    private static object?[] Values(IReadOnlyList<AbiType> types, JsonElement values)
    {
        var items = values.EnumerateArray().ToArray();
        Assert.Equal(types.Count, items.Length);
        return [.. types.Select((t, i) => Value(t, items[i]))];
    }

    private static object? Value(AbiType type, JsonElement value) => type.Kind switch
    {
        AbiTypeKind.UInt or AbiTypeKind.Int => value.ValueKind == JsonValueKind.Number
            ? new BigInteger(value.GetDecimal())
            : BigInteger.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        AbiTypeKind.Address => Address.Parse(value.GetString()!),
        AbiTypeKind.Bool => value.GetBoolean(),
        AbiTypeKind.Bytes or AbiTypeKind.FixedBytes => EthVectors.HexBytes(value.GetString()!),
        AbiTypeKind.String => value.GetString(),
        AbiTypeKind.Array => value.EnumerateArray().Select(e => Value(type.Element!, e)).ToArray(),
        _ => Values(type.Components, value),
    };

    private static void AssertValues(object?[] expected, object?[] actual, JsonElement vector)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertValue(expected[i], actual[i], $"{vector.Name()}[{i}]");
        }
    }

    private static void AssertValue(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case byte[] bytes:
                Assert.True(actual is byte[] got && got.AsSpan().SequenceEqual(bytes), $"{where}: bytes differ.");
                break;
            case IList list:
                var actualList = Assert.IsAssignableFrom<IList>(actual);
                Assert.Equal(list.Count, actualList.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    AssertValue(list[i], actualList[i], $"{where}[{i}]");
                }

                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static void AssertHex(string expected, byte[] actual, JsonElement vector) =>
        Assert.True(
            EthVectors.HexBytes(expected).AsSpan().SequenceEqual(actual),
            $"{vector.Name()}: expected {expected}, got 0x{Convert.ToHexStringLower(actual)}.");
}
