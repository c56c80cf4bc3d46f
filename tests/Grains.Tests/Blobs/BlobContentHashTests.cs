using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Xunit;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>The manifest records the SHA-256 of a blob's bytes as its upload hashed them, so a job's input hash needs
/// no second read of the blob.</summary>
public sealed class BlobContentHashTests(BlobSiloFixture fixture) : IClassFixture<BlobSiloFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(MiB)]
    [InlineData((3 * MiB) + 10)]
    public async Task TheManifestRecordsTheSha256OfTheBytesInOrder(int size)
    {
        var content = RandomBytes(211 + size, size);
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));

        // Uneven pieces, across chunk boundaries.
        var upload = fixture.Grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(BlobCaller.Silo);
        var offset = 0;
        var piece = 0;
        while (offset < content.Length)
        {
            var length = Math.Min(content.Length - offset, 333_333 + (piece++ * 77_777));
            await upload.AppendAtAsync(offset, content[offset..(offset + length)]);
            offset += length;
        }

        var manifest = await upload.CompleteAsync(null, BlobCaller.Silo);
        Assert.Equal(expected, manifest.ContentSha256);
        Assert.Equal(expected, (await fixture.Grains.GetGrain<IBlobGrain>(manifest.Id).GetManifestAsync(BlobCaller.Silo))!.ContentSha256);

        // The same bytes stored again are the same blob with the same record.
        Assert.Equal(expected, (await UploadAsync(fixture.Grains, content)).ContentSha256);
    }
}
