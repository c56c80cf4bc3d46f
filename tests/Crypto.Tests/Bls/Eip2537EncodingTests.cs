using Marketplace.Crypto.Bls;
using Xunit;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>Keys and signatures in the uncompressed layout of Ethereum's BLS12-381 precompiles (EIP-2537), against
/// the words contracts/test/vectors/gen.cjs computed for the same points outside .NET.</summary>
public sealed class Eip2537EncodingTests
{
    private const string Key = "93abd3d50cad5e0082745c701e6c6013538f5bedd81daee8c540bd487c64b61b3cc72d11d3cc26677690b8dd21395176";

    private const string Proof = "8054aa4a1207dfb07d3e4279fdd6a1790207151918082772e04058b60123e000dd58bd096d52817633c398b31d8364ce0733cadb574e9003285c9d6cdc766530452473d0811e3bb6b8b5dda452fdd75bcdae4d482ca1883e0ba00df1e5d9678d";

    [Fact]
    public void A_key_is_x_then_y_each_padded_to_64_bytes()
    {
        var encoded = PublicKey.FromBytes(Convert.FromHexString(Key)).ToEip2537();
        Assert.Equal(PublicKey.Eip2537Size, encoded.Length);
        Assert.Equal(
            "0000000000000000000000000000000013abd3d50cad5e0082745c701e6c6013538f5bedd81daee8c540bd487c64b61b3cc72d11d3cc26677690b8dd21395176"
            + "0000000000000000000000000000000003fcf7fc2d86e1afc64fc6fdda07e2236cb986cee21635e2f3d1ed0f674e062b51b3193f6b001ab6f99e42750a1d739e",
            Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void A_signature_is_x_c0_x_c1_y_c0_y_c1_each_padded_to_64_bytes()
    {
        var encoded = Signature.FromBytes(Convert.FromHexString(Proof)).ToEip2537();
        Assert.Equal(Signature.Eip2537Size, encoded.Length);
        Assert.Equal(
            "000000000000000000000000000000000733cadb574e9003285c9d6cdc766530452473d0811e3bb6b8b5dda452fdd75bcdae4d482ca1883e0ba00df1e5d9678d"
            + "000000000000000000000000000000000054aa4a1207dfb07d3e4279fdd6a1790207151918082772e04058b60123e000dd58bd096d52817633c398b31d8364ce"
            + "00000000000000000000000000000000128817b13ceb5300332ebfd288af132d90cf84b058c2847dc1c63a1bb61a6bbb4e788bf441129f154b06f8733df3bf18"
            + "0000000000000000000000000000000009d686da188c15ca9e7fecb6f2ff4c12288845f18ed5de6889ed8a89258aa619ddb60e23a4db0648cb010e5f50e977a4",
            Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void The_identity_signature_is_all_zeros()
    {
        var identity = new byte[Signature.Size];
        identity[0] = 0xc0;
        Assert.All(Signature.FromBytes(identity).ToEip2537(), b => Assert.Equal(0, b));
    }
}
