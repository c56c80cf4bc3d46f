using System.Numerics;
using Marketplace.Chain.Abi;
using Marketplace.Crypto.Ethereum;
using Xunit;

namespace Marketplace.Chain.Tests.Abi;

public sealed class AbiTests
{
    [Theory]
    [InlineData("uint", "uint256")]
    [InlineData("int", "int256")]
    [InlineData("(uint256,address[])", "(uint256,address[])")]
    [InlineData("((bytes32,string)[2],bool)[]", "((bytes32,string)[2],bool)[]")]
    [InlineData("bytes3[2][]", "bytes3[2][]")]
    public void TypesParseToTheirCanonicalNames(string text, string canonical) =>
        Assert.Equal(canonical, AbiType.Parse(text).CanonicalName);

    [Theory]
    [InlineData("")]
    [InlineData("uint7")]
    [InlineData("uint264")]
    [InlineData("uint08")]
    [InlineData("bytes0")]
    [InlineData("bytes33")]
    [InlineData("int256[0]")]
    [InlineData("int256[01]")]
    [InlineData("uint256[")]
    [InlineData("(uint256")]
    [InlineData("(uint256,)")]
    [InlineData("uint256 ")]
    [InlineData("fixed128x18")]
    [InlineData("()[]")]
    [InlineData("uint256[100000000][100000000]")]
    public void BadTypesAreFormatErrors(string text) => Assert.Throws<ChainFormatException>(() => AbiType.Parse(text));

    [Fact]
    public void DeeplyNestedTypesAreRefused() =>
        Assert.Throws<ChainFormatException>(() => AbiType.Parse(new string('(', 5000) + "uint8" + new string(')', 5000)));

    [Fact]
    public void NestedDynamicValuesRoundTrip()
    {
        var type = AbiType.Parse("((string,bytes)[],int16[2],address)");
        object?[] value = [new object?[] { new object?[] { "a", new byte[] { 1 } }, new object?[] { "", Array.Empty<byte>() } }, new object?[] { -1, 300 }, Address.Zero];
        var encoded = AbiEncoder.Encode([type, AbiType.String], [value, "tail"]);
        var decoded = AbiDecoder.Decode([type, AbiType.String], encoded);
        Assert.Equal(encoded, AbiEncoder.Encode([type, AbiType.String], decoded));
        Assert.Equal("tail", decoded[1]);
    }

    [Fact]
    public void BadValuesAreArgumentErrorsNamingThePosition()
    {
        var error = Assert.Throws<ArgumentException>(() => AbiEncoder.Encode([AbiType.Parse("(uint8,bool)[]")], [new object?[] { new object?[] { 1, true }, new object?[] { 256, true } }]));
        Assert.Contains("[0][1][0]", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AbiEncoder.Encode([AbiType.Int(8)], [new BigInteger(-129)]));
        Assert.Throws<ArgumentException>(() => AbiEncoder.Encode([AbiType.FixedBytes(4)], [new byte[3]]));
        Assert.Throws<ArgumentException>(() => AbiEncoder.Encode([AbiType.Address], ["0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]));
        Assert.Throws<ArgumentException>(() => AbiEncoder.Encode([AbiType.Bool], [1]));
        Assert.Throws<ArgumentException>(() => AbiEncoder.Encode([AbiType.Parse("uint256[2]")], [new object?[] { 1 }]));
        Assert.Throws<ArgumentException>(() => AbiEncoder.Encode([AbiType.UInt(256)], []));
    }

    [Fact]
    public void StrictDecodingRefusesDirtyWordsAndBadUtf8AndOverlappingBlowUps()
    {
        var word = new byte[32];
        word[0] = 0xff;
        word[31] = 0x01;
        Assert.Throws<ChainFormatException>(() => AbiDecoder.Decode([AbiType.Int(8)], word));
        Assert.Throws<ChainFormatException>(() => AbiDecoder.Decode([AbiType.FixedBytes(1)], [.. new byte[] { 1, 1 }, .. new byte[30]]));

        var badUtf8 = AbiEncoder.Encode([AbiType.Bytes], [new byte[] { 0xff, 0xfe }]);
        Assert.Throws<ChainFormatException>(() => AbiDecoder.Decode([AbiType.String], badUtf8));

        var dirtyPadding = AbiEncoder.Encode([AbiType.Bytes], [new byte[] { 1 }]);
        dirtyPadding[^1] = 1;
        Assert.Throws<ChainFormatException>(() => AbiDecoder.Decode([AbiType.Bytes], dirtyPadding));

        // uint256[][][]: 30 outer offsets all point at one array of 30 offsets that all point at one uint256[30],
        // so 3 KB would expand to 27,000 values without the decoder's budget.
        var type = AbiType.Parse("uint256[][][]");
        var words = new List<BigInteger> { 32, 30 };
        words.AddRange(Enumerable.Repeat(new BigInteger(1024 - 64), 30));
        words.Add(30);
        words.AddRange(Enumerable.Repeat(new BigInteger(2016 - 1056), 30));
        words.Add(30);
        words.AddRange(Enumerable.Repeat(BigInteger.One, 30));
        var bytes = new byte[words.Count * 32];
        for (var i = 0; i < words.Count; i++)
        {
            AbiEncoder.WriteInteger(words[i], bytes.AsSpan(i * 32));
        }

        var blowUp = Assert.Throws<ChainFormatException>(() => AbiDecoder.Decode([type], bytes));
        Assert.Contains("overlapping offsets", blowUp.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RevertReasonsAreDecodedWithoutThrowing()
    {
        Assert.Equal(RevertKind.Empty, RevertReason.Decode([]).Kind);
        Assert.Equal(RevertKind.Unknown, RevertReason.Decode([1, 2, 3]).Kind);
        Assert.Equal(RevertKind.Unknown, RevertReason.Decode([.. AbiError.ErrorString.Selector, 0, 1]).Kind);
        var panic = RevertReason.Decode(AbiError.Panic.Encode(new BigInteger(0x11)));
        Assert.Equal("Panic(0x11: arithmetic overflow or underflow)", panic.ToString());
        var custom = AbiError.Parse("TooEarly()");
        Assert.Equal("0x085de625", Hex.Encode(custom.Selector));
        Assert.Equal(RevertKind.CustomError, RevertReason.Decode(custom.Encode(), [custom]).Kind);
    }

    [Fact]
    public void AJsonAbiIsReadWithTuplesOverloadsAndErrors()
    {
        const string json = """
            [{"type":"constructor","inputs":[{"name":"x","type":"uint256"}]},
             {"type":"function","name":"f","inputs":[{"name":"p","type":"tuple[]","components":[{"name":"a","type":"uint64"},{"name":"b","type":"bytes32"}]}],"outputs":[],"stateMutability":"view"},
             {"type":"function","name":"g","inputs":[{"name":"a","type":"uint8"}],"outputs":[]},
             {"type":"function","name":"g","inputs":[{"name":"a","type":"string"}],"outputs":[]},
             {"type":"event","name":"E","inputs":[{"name":"who","type":"address","indexed":true},{"name":"s","type":"string","indexed":true}],"anonymous":false},
             {"type":"error","name":"Oops","inputs":[{"name":"code","type":"uint256"}]},
             {"type":"receive","stateMutability":"payable"}]
            """;
        var abi = ContractAbi.Parse(json);
        Assert.Equal("f((uint64,bytes32)[])", abi.GetFunction("f").Signature);
        Assert.True(abi.GetFunction("f").IsReadOnly);
        Assert.Equal("g(string)", abi.GetFunction("g(string)").Signature);
        Assert.Throws<KeyNotFoundException>(() => abi.GetFunction("g"));
        Assert.Throws<KeyNotFoundException>(() => abi.GetFunction("h"));
        Assert.Single(abi.ConstructorInputs);
        var e = abi.GetEvent("E");
        Assert.Same(e, abi.FindEvent(e.Topic));
        Assert.Equal(RevertKind.CustomError, abi.DecodeRevert(abi.GetError("Oops").Encode(7)).Kind);

        var s = e.EncodeTopic(1, "indexed text");
        var decoded = e.Decode([e.Topic, e.EncodeTopic(0, Address.Zero), s], []);
        Assert.Equal(Address.Zero, decoded["who"]);
        Assert.Equal(s, decoded["s"]);
        Assert.Throws<ChainFormatException>(() => e.Decode([e.Topic], []));

        Assert.Throws<ChainFormatException>(() => ContractAbi.Parse("{"));
        Assert.Throws<ChainFormatException>(() => ContractAbi.Parse("""[{"type":"function"}]"""));
        Assert.Throws<ChainFormatException>(() => ContractAbi.Parse("""[{"type":"function","name":"x","inputs":[{"type":"uint7"}]}]"""));
        Assert.Throws<ChainFormatException>(() => ContractAbi.Parse("""[{"type":"weird"}]"""));
    }
}
