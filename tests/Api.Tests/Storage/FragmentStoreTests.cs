using Marketplace.GrainInterfaces;
using Marketplace.Grains.Storage;
using Marketplace.Storage.ReedSolomon;
using Xunit;

namespace Marketplace.Api.Tests.Storage;

/// <summary>A provider's fragment files written in pieces, on a real temporary directory: quota reserved at the start
/// and given back on abort, pieces only in order and in whole chunks, chunk hashes and SHA-256 written at the commit
/// (and computed again when those files are gone), range reads, deletes.</summary>
public sealed class FragmentStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-fragment-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_fragment_written_in_pieces_reserves_its_quota_commits_with_its_chunk_hashes_and_reads_by_range()
    {
        var store = new FragmentStore(_folder, capacityBytes: 1000);
        await store.BeginWriteAsync("d1", 0, length: 600, chunkSize: 100);
        Assert.Equal(600, store.UsedBytes);
        await Assert.ThrowsAsync<QuotaExceededException>(() => store.BeginWriteAsync("d1", 1, length: 600, chunkSize: 100));

        var bytes = new byte[600];
        new Random(5).NextBytes(bytes);
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.AppendAsync("d1", 0, 100, bytes[..100]));
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.AppendAsync("d1", 0, 0, bytes[..150]));
        await store.AppendAsync("d1", 0, 0, bytes[..200]);
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.CommitAsync("d1", 0));
        await store.AppendAsync("d1", 0, 200, bytes[200..]);
        await store.CommitAsync("d1", 0);

        var expected = new byte[6 * ChunkMerkleTree.HashSize];
        for (var c = 0; c < 6; c++)
        {
            ChunkMerkleTree.HashLeaf(bytes.AsSpan(c * 100, 100), expected.AsSpan(c * ChunkMerkleTree.HashSize, ChunkMerkleTree.HashSize));
        }

        Assert.Equal(expected, await store.ChunkHashesAsync("d1", 0, 100, CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(_folder, "d1", "0.leaves")));
        var digests = await store.DigestsAsync("d1", 0, 100, CancellationToken.None);
        Assert.NotNull(digests);
        Assert.Equal(expected, digests.Value.Leaves);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes), digests.Value.Sha256);
        Assert.True(File.Exists(Path.Combine(_folder, "d1", "0.sha256")));
        Assert.Equal(bytes[250..400], await store.ReadAsync("d1", 0, 250, 150, CancellationToken.None));
        Assert.Equal(bytes[550..], await store.ReadAsync("d1", 0, 550, 150, CancellationToken.None));
        Assert.Null(await store.ReadAsync("d1", 3, 0, 10, CancellationToken.None));

        // Without its chunk hashes and SHA-256 files the provider computes them from the fragment.
        File.Delete(Path.Combine(_folder, "d1", "0.leaves"));
        File.Delete(Path.Combine(_folder, "d1", "0.sha256"));
        Assert.Equal(expected, await store.ChunkHashesAsync("d1", 0, 100, CancellationToken.None));
        var computed = await store.DigestsAsync("d1", 0, 100, CancellationToken.None);
        Assert.NotNull(computed);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes), computed.Value.Sha256);
        Assert.Null(await store.ChunkHashesAsync("d1", 0, 7, CancellationToken.None));
        Assert.Null(await store.DigestsAsync("d1", 0, 7, CancellationToken.None));
        Assert.Null(await store.DigestsAsync("d1", 4, 100, CancellationToken.None));

        await store.BeginWriteAsync("d1", 2, length: 200, chunkSize: 100);
        await store.AppendAsync("d1", 2, 0, bytes[..200]);
        await store.CommitAsync("d1", 2);
        store.Delete("d1", 2);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "d1"), "2.*"));

        store.Delete("d1", 0);
        Assert.Equal(0, store.UsedBytes);
        Assert.False(File.Exists(Path.Combine(_folder, "d1", "0.frag")));
    }

    [Fact]
    public async Task An_aborted_write_gives_back_its_quota_and_leaves_no_file_and_a_new_store_counts_committed_fragments()
    {
        var store = new FragmentStore(_folder, capacityBytes: 1000);
        await store.BeginWriteAsync("d2", 0, length: 800, chunkSize: 200);
        await store.AppendAsync("d2", 0, 0, new byte[200]);
        await store.AbortWriteAsync("d2", 0);
        Assert.Equal(0, store.UsedBytes);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "d2")));
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.AppendAsync("d2", 0, 200, new byte[200]));

        await store.BeginWriteAsync("d2", 1, length: 400, chunkSize: 200);
        await store.AppendAsync("d2", 1, 0, new byte[400]);
        await store.CommitAsync("d2", 1);
        Assert.Equal(400, new FragmentStore(_folder, capacityBytes: 1000).UsedBytes);
    }
}
