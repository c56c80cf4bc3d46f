using Marketplace.Storage.ReedSolomon;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Storage.Tests;

public sealed class BlobCodingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, 2, 64, 0)]
    [InlineData(4, 2, 64, 1)]
    [InlineData(4, 2, 64, 3)]
    [InlineData(4, 2, 64, 256)]
    [InlineData(4, 2, 64, 257)]
    [InlineData(4, 2, 64, 10_001)]
    [InlineData(10, 4, 1000, 123_457)]
    [InlineData(3, 5, 7, 1000)]
    [InlineData(1, 1, 16, 100)]
    public void Any_k_fragments_give_the_blob_back(int k, int m, int maxChunk, int length)
    {
        var seed = TestRandom.Seed(length + k);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var blob = TestRandom.Bytes(random, length);
        var encoded = new BlobEncoder(k, m, maxChunk).Encode(blob);
        var manifest = encoded.Manifest;
        Assert.Equal(length, manifest.BlobLength);
        Assert.InRange(manifest.ChunkSize, 1, maxChunk);
        Assert.True((long)manifest.ChunkSize * manifest.ChunkCount * k >= length);
        Assert.True((long)manifest.ChunkSize * (manifest.ChunkCount - 1) * k < Math.Max(length, 1), "no stripe is all padding");
        Assert.All(encoded.Fragments, f => Assert.Equal(manifest.FragmentLength, f.Length));

        var decoder = new BlobDecoder();
        for (var round = 0; round < 12; round++)
        {
            var present = Shards.RandomPresence(random, k + m, round == 0 ? 0 : random.Next(1, m + 1));
            var offered = new byte[]?[k + m];
            for (var i = 0; i < offered.Length; i++)
            {
                offered[i] = present[i] ? encoded.Fragments[i] : null;
            }

            Assert.True(blob.AsSpan().SequenceEqual(decoder.Decode(manifest, offered)), $"seed {seed}, round {round}");
        }
    }

    [Fact]
    public void Data_fragments_hold_the_blob_stripe_by_stripe()
    {
        var random = new Random(TestRandom.Seed(21));
        var blob = TestRandom.Bytes(random, 3 * 100 * 4);
        var encoded = new BlobEncoder(3, 2, 100).Encode(blob);
        Assert.Equal(100, encoded.Manifest.ChunkSize);
        Assert.Equal(4, encoded.Manifest.ChunkCount);
        for (var stripe = 0; stripe < 4; stripe++)
        {
            for (var j = 0; j < 3; j++)
            {
                Assert.True(blob.AsSpan(((stripe * 3) + j) * 100, 100).SequenceEqual(encoded.Fragments[j].AsSpan(stripe * 100, 100)));
            }
        }
    }

    [Fact]
    public void Manifest_digests_are_the_fragment_hashes_and_roots_and_audits_prove_chunks()
    {
        var random = new Random(TestRandom.Seed(22));
        var encoded = new BlobEncoder(4, 2, 512).Encode(TestRandom.Bytes(random, 9_000));
        var manifest = encoded.Manifest;
        for (var i = 0; i < 6; i++)
        {
            var fragment = encoded.Fragments[i];
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(fragment), manifest.Fragments[i].Sha256.ToArray());
            var tree = ChunkMerkleTree.Build(fragment, manifest.ChunkSize);
            Assert.Equal(manifest.ChunkCount, tree.LeafCount);
            Assert.True(tree.Root.SequenceEqual(manifest.Fragments[i].MerkleRoot.Span));
            var challenge = random.Next(manifest.ChunkCount);
            var chunk = fragment.AsSpan(challenge * manifest.ChunkSize, manifest.ChunkSize);
            Assert.True(ChunkMerkleTree.Verify(manifest.Fragments[i].MerkleRoot.Span, manifest.ChunkCount, challenge, chunk, tree.GetProof(challenge)));
        }
    }

    [Fact]
    public void Corrupt_fragments_are_refused_and_others_used_instead()
    {
        var seed = TestRandom.Seed(23);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var blob = TestRandom.Bytes(random, 50_000);
        var encoded = new BlobEncoder(10, 4, 1024).Encode(blob);
        var fragments = encoded.Fragments.Select(f => (byte[]?)f.ToArray()).ToArray();
        fragments[0]![random.Next(fragments[0]!.Length)] ^= 0x01;                // one bit
        fragments[3] = fragments[3]![..^1];                                        // one byte short
        fragments[7] = [.. fragments[7]!, 0];                                      // one byte too many
        fragments[11] = encoded.Fragments[12];                                     // another fragment's bytes
        var destination = new MemoryStream();
        var report = new BlobDecoder().Decode(encoded.Manifest, fragments.Select(f => (Stream?)new MemoryStream(f!)).ToArray(), destination);
        Assert.True(blob.AsSpan().SequenceEqual(destination.ToArray()), $"seed {seed}");
        Assert.Equal([0, 3, 7, 11], report.RejectedFragments);
        Assert.Equal([1, 2, 4, 5, 6, 8, 9, 10, 12, 13], report.UsedFragments);
    }

    [Fact]
    public void Fewer_than_k_intact_fragments_fail_with_the_typed_error()
    {
        var random = new Random(TestRandom.Seed(24));
        var encoded = new BlobEncoder(4, 2, 64).Encode(TestRandom.Bytes(random, 1000));
        var fragments = encoded.Fragments.Select(f => (byte[]?)f.ToArray()).ToArray();
        fragments[1]![5] ^= 0xFF;
        fragments[4]![0] ^= 0x10;
        fragments[5] = null;
        var error = Assert.Throws<ErasureCodingException>(() => new BlobDecoder().Decode(encoded.Manifest, fragments));
        Assert.Equal(ErasureCodingError.NotEnoughShards, error.Error);
        Assert.Contains("Refused: [1, 4]", error.Message);

        fragments = [encoded.Fragments[0], null, encoded.Fragments[2], null, null, encoded.Fragments[5]];
        Assert.Equal(ErasureCodingError.NotEnoughShards,
            Assert.Throws<ErasureCodingException>(() => new BlobDecoder().Decode(encoded.Manifest, fragments)).Error);
    }

    [Fact]
    public void A_chunk_changed_after_its_fragment_was_checked_is_caught_before_it_is_decoded()
    {
        var seed = TestRandom.Seed(25);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var blob = TestRandom.Bytes(random, 40_000);
        var encoded = new BlobEncoder(4, 2, 1000).Encode(blob);
        var streams = new Stream?[6];
        for (var i = 0; i < 6; i++)
        {
            streams[i] = new MemoryStream(encoded.Fragments[i]);
        }

        // Fragment 2 reads correctly the first time through, then a byte in its chunk 5 changes.
        streams[2] = new ChangingStream(encoded.Fragments[2], changeAt: (5 * encoded.Manifest.ChunkSize) + 17);
        var destination = new MemoryStream();
        var report = new BlobDecoder().Decode(encoded.Manifest, streams, destination);
        Assert.True(blob.AsSpan().SequenceEqual(destination.ToArray()), $"seed {seed}");
        Assert.Equal([2], report.RejectedFragments);
        Assert.Contains(4, report.UsedFragments);
    }

    [Fact]
    public async Task Streams_encode_and_decode_asynchronously()
    {
        var seed = TestRandom.Seed(26);
        var random = new Random(seed);
        var blob = TestRandom.Bytes(random, 77_777);
        var encoder = new BlobEncoder(6, 3, 4096);
        var outputs = Enumerable.Range(0, 9).Select(_ => new MemoryStream()).ToArray();
        var manifest = await encoder.EncodeAsync(new MemoryStream(blob), blob.Length, outputs);
        var inMemory = encoder.Encode(blob);
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(inMemory.Fragments[i], outputs[i].ToArray());
            Assert.Equal(inMemory.Manifest.Fragments[i].Sha256.ToArray(), manifest.Fragments[i].Sha256.ToArray());
        }

        var offered = outputs.Select(o => (Stream?)new MemoryStream(o.ToArray())).ToArray();
        offered[0] = null;
        offered[4] = null;
        offered[8] = null;
        var destination = new MemoryStream();
        var report = await new BlobDecoder().DecodeAsync(manifest, offered, destination);
        Assert.True(blob.AsSpan().SequenceEqual(destination.ToArray()), $"seed {seed}");
        Assert.Empty(report.RejectedFragments);
    }

    [Fact]
    public void A_large_blob_streams_through_bounded_memory()
    {
        const long length = 48L * 1024 * 1024 + 12_345;
        var encoder = new BlobEncoder(10, 4);
        var sinks = Enumerable.Range(0, 14).Select(_ => (Stream)new HashingSink()).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var manifest = encoder.Encode(new PatternStream(length), length, sinks);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{length} bytes encoded, {allocated} bytes allocated, chunk {manifest.ChunkSize} x {manifest.ChunkCount}");
        Assert.True(allocated < 4 * 1024 * 1024, $"{allocated} bytes allocated for a {length}-byte blob");
        for (var i = 0; i < 14; i++)
        {
            Assert.Equal(manifest.FragmentLength, sinks[i].Length);
            Assert.Equal(((HashingSink)sinks[i]).Digest(), manifest.Fragments[i].Sha256.ToArray());
        }
    }

    [Fact]
    public void Bad_input_is_refused_with_typed_errors()
    {
        Assert.Equal(ErasureCodingError.InvalidShardCounts, Assert.Throws<ErasureCodingException>(() => new BlobEncoder(0, 2)).Error);
        Assert.Equal(ErasureCodingError.InvalidShardCounts, Assert.Throws<ErasureCodingException>(() => new BlobEncoder(200, 56)).Error);
        Assert.Equal(ErasureCodingError.InvalidSize, Assert.Throws<ErasureCodingException>(() => new BlobEncoder(4, 2, 0)).Error);
        Assert.Equal(ErasureCodingError.InvalidSize, Assert.Throws<ErasureCodingException>(() => new BlobEncoder(4, 2, 64 * 1024 * 1024)).Error);

        var encoder = new BlobEncoder(4, 2, 64);
        var sinks = Enumerable.Range(0, 6).Select(_ => (Stream)new MemoryStream()).ToArray();
        Assert.Equal(ErasureCodingError.SourceTruncated,
            Assert.Throws<ErasureCodingException>(() => encoder.Encode(new MemoryStream(new byte[100]), 101, sinks)).Error);
        Assert.Equal(ErasureCodingError.InvalidSize,
            Assert.Throws<ErasureCodingException>(() => encoder.Encode(new MemoryStream(), -1, sinks)).Error);
        Assert.Equal(ErasureCodingError.ShardCountMismatch,
            Assert.Throws<ErasureCodingException>(() => encoder.Encode(new MemoryStream(new byte[10]), 10, sinks[..5])).Error);
        Assert.Equal(ErasureCodingError.UnusableStream,
            Assert.Throws<ErasureCodingException>(() => encoder.Encode(new MemoryStream(new byte[10]), 10, [.. sinks[..5], new MemoryStream([], writable: false)])).Error);

        var encoded = encoder.Encode(new byte[300]);
        var decoder = new BlobDecoder();
        Assert.Equal(ErasureCodingError.ShardCountMismatch,
            Assert.Throws<ErasureCodingException>(() => decoder.Decode(encoded.Manifest, encoded.Fragments.Take(5).ToArray())).Error);
        Assert.Equal(ErasureCodingError.UnusableStream, Assert.Throws<ErasureCodingException>(() => decoder.Decode(encoded.Manifest,
            encoded.Fragments.Select(f => (Stream?)new MemoryStream(f)).ToArray(), new MemoryStream([], writable: false))).Error);
        Assert.Equal(ErasureCodingError.KernelNotSupported, Assert.Throws<ErasureCodingException>(() => new BlobDecoder((GaloisKernel)42)).Error);

        var digest = encoded.Manifest.Fragments[0];
        Assert.Equal(ErasureCodingError.InvalidManifest, Assert.Throws<ErasureCodingException>(() => new FragmentDigest(new byte[31], new byte[32])).Error);
        Assert.Equal(ErasureCodingError.InvalidManifest,
            Assert.Throws<ErasureCodingException>(() => new BlobManifest(4, 2, 300, 19, 4, [digest, digest, digest, digest, digest])).Error);
        Assert.Equal(ErasureCodingError.InvalidManifest,
            Assert.Throws<ErasureCodingException>(() => new BlobManifest(4, 2, 300, 10, 4, [.. encoded.Manifest.Fragments])).Error);
        Assert.Equal(ErasureCodingError.InvalidManifest,
            Assert.Throws<ErasureCodingException>(() => new BlobManifest(4, 2, 300, 19, 8, [.. encoded.Manifest.Fragments])).Error);
        Assert.Equal(ErasureCodingError.InvalidShardCounts,
            Assert.Throws<ErasureCodingException>(() => new BlobManifest(0, 2, 300, 19, 4, [.. encoded.Manifest.Fragments])).Error);
    }
}
