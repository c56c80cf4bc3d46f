using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Blobs;

public sealed class BlobIdsTests
{
    private static readonly string Hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("id"u8));

    [Fact]
    public void CanonicalIdsAreValid()
    {
        Assert.True(BlobIds.IsValid("blob" + Hex));
        Assert.Equal(BlobIds.Length, ("blob" + Hex).Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("blob")]
    [InlineData("blob0123")]
    [InlineData("blab0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("blob000000000000000000000000000000000000000000000000000000000000000g")]
    [InlineData("blob00000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(" blob000000000000000000000000000000000000000000000000000000000000000")]
    public void MalformedIdsAreInvalid(string? id)
    {
        Assert.False(BlobIds.IsValid(id));
        Assert.False(BlobIds.TryNormalize(id, out _));
    }

    [Fact]
    public void UpperCaseIsInvalidButNormalizes()
    {
        var upper = "BLOB" + Hex.ToUpperInvariant();
        Assert.False(BlobIds.IsValid(upper));
        Assert.True(BlobIds.TryNormalize(upper, out var id));
        Assert.Equal("blob" + Hex, id);
        Assert.True(BlobIds.TryNormalize("blob" + Hex, out var same));
        Assert.Equal("blob" + Hex, same);
    }

    [Fact]
    public void ChunkHashesAreLowercaseHex()
    {
        Assert.True(BlobIds.IsValidChunkHash(Hex));
        Assert.False(BlobIds.IsValidChunkHash(Hex.ToUpperInvariant()));
        Assert.False(BlobIds.IsValidChunkHash(Hex[1..]));
        Assert.False(BlobIds.IsValidChunkHash(null));
    }
}
