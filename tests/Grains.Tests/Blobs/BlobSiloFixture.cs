using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>One real silo (default blob settings, real disk) shared by the tests of a class.</summary>
public sealed class BlobSiloFixture : IAsyncLifetime
{
    private MarketplaceTestSilo? _silo;

    /// <summary>The running silo.</summary>
    public MarketplaceTestSilo Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    internal FileChunkStore Store => Silo.Services.GetRequiredService<FileChunkStore>();

    public IGrainFactory Grains => Silo.Grains;

    public async Task InitializeAsync() => _silo = await MarketplaceTestSilo.StartAsync();

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

/// <summary>Test content and helpers shared by the blob tests.</summary>
internal static class BlobTestData
{
    public const int MiB = 1 << 20;

    /// <summary>Seeded random bytes.</summary>
    public static byte[] RandomBytes(int seed, int size)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static Task<BlobManifest> UploadAsync(IGrainFactory grains, byte[] content, string? mediaType = null) =>
        BlobTransfer.UploadAsync(grains, BlobCaller.Silo, new MemoryStream(content, writable: false), mediaType, null, CancellationToken.None);

    public static async Task<byte[]> DownloadAsync(IGrainFactory grains, string id, long offset = 0, long? length = null)
    {
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(grains, BlobCaller.Silo, id, target, offset, length, null, CancellationToken.None);
        return target.ToArray();
    }

    /// <summary>The blob id of <paramref name="content"/> cut into <paramref name="chunkSize"/> chunks, computed here
    /// from SHA-256 and the tree definition, without the silo.</summary>
    public static string ExpectedId(byte[] content, int chunkSize = MiB)
    {
        var hashes = new List<string>();
        for (var offset = 0; offset < content.Length; offset += chunkSize)
        {
            var size = Math.Min(chunkSize, content.Length - offset);
            hashes.Add(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content.AsSpan(offset, size))));
        }

        return BlobMerkle.ComputeBlobId(hashes);
    }

    /// <summary>Every chunk file in the store: <c>&lt;root&gt;/&lt;h0h1&gt;/&lt;h2h3&gt;/&lt;hash&gt;</c> (temporary files
    /// and references excluded).</summary>
    public static List<string> ChunkFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).Length == 64
                && string.Equals(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(f))), Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)), StringComparison.Ordinal))
            .ToList();
}
