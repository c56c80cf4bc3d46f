using System.Security.Cryptography;
using Marketplace.Storage.ReedSolomon;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Storage.Tests;

public sealed class ChunkMerkleTreeTests(ITestOutputHelper output)
{
    [Fact]
    public void The_root_follows_the_documented_encoding()
    {
        byte[] data = [1, 2, 3, 4, 5, 6, 7]; // chunks of 3: [1,2,3] [4,5,6] [7]
        static byte[] Leaf(params byte[] chunk) => SHA256.HashData([0x00, .. chunk]);
        static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

        // Three leaves: the first two are paired, the third is carried up unchanged.
        var expected = Node(Node(Leaf(1, 2, 3), Leaf(4, 5, 6)), Leaf(7));
        var tree = ChunkMerkleTree.Build(data, 3);
        Assert.Equal(3, tree.LeafCount);
        Assert.Equal(expected, tree.Root.ToArray());

        Assert.Equal(Leaf(), ChunkMerkleTree.Build([], 64).Root.ToArray());
        Assert.Equal(Leaf(9), ChunkMerkleTree.Build([9], 64).Root.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(13)]
    [InlineData(33)]
    [InlineData(100)]
    public void Every_chunk_proves_and_any_change_fails(int leafCount)
    {
        var seed = TestRandom.Seed(500 + leafCount);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        const int chunkSize = 48;
        var data = TestRandom.Bytes(random, ((leafCount - 1) * chunkSize) + random.Next(1, chunkSize + 1));
        var tree = ChunkMerkleTree.Build(data, chunkSize);
        Assert.Equal(leafCount, tree.LeafCount);
        var root = tree.Root.ToArray();
        for (var i = 0; i < leafCount; i++)
        {
            var chunk = data.AsSpan(i * chunkSize, Math.Min(chunkSize, data.Length - (i * chunkSize))).ToArray();
            var proof = tree.GetProof(i);
            var context = $"seed {seed}, {leafCount} leaves, chunk {i}";
            Assert.True(ChunkMerkleTree.Verify(root, leafCount, i, chunk, proof), context);

            var bit = random.Next(chunk.Length * 8);
            chunk[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ChunkMerkleTree.Verify(root, leafCount, i, chunk, proof), $"{context}: chunk bit {bit} flipped");
            chunk[bit / 8] ^= (byte)(1 << (bit % 8));

            if (proof.Length > 0)
            {
                bit = random.Next(proof.Length * 8);
                proof[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.False(ChunkMerkleTree.Verify(root, leafCount, i, chunk, proof), $"{context}: proof bit {bit} flipped");
                proof[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.False(ChunkMerkleTree.Verify(root, leafCount, i, chunk, proof[..^32]), $"{context}: proof cut short");
            }

            Assert.False(ChunkMerkleTree.Verify(root, leafCount, i, chunk, [.. proof, .. new byte[32]]), $"{context}: proof extended");

            bit = random.Next(256);
            root[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ChunkMerkleTree.Verify(root, leafCount, i, chunk, proof), $"{context}: root bit {bit} flipped");
            root[bit / 8] ^= (byte)(1 << (bit % 8));

            for (var other = 0; other < leafCount; other++)
            {
                if (other != i && !chunk.AsSpan().SequenceEqual(ChunkAt(data, other, chunkSize)))
                {
                    Assert.False(ChunkMerkleTree.Verify(root, leafCount, other, chunk, proof), $"{context}: claimed as chunk {other}");
                }
            }

            Assert.False(ChunkMerkleTree.Verify(root, leafCount, -1, chunk, proof));
            Assert.False(ChunkMerkleTree.Verify(root, leafCount, leafCount, chunk, proof));
            Assert.False(ChunkMerkleTree.Verify(root[..31], leafCount, i, chunk, proof));
            Assert.True(ChunkMerkleTree.Verify(root, leafCount, i, chunk, proof), $"{context}: restored");
        }
    }

    [Fact]
    public void An_inner_node_cannot_pass_as_a_leaf()
    {
        // In a tree of four chunks, node01 = H(0x01 || leaf0 || leaf1). Without domain separation, the 64 bytes
        // leaf0 || leaf1 would pass as "chunk 0" of a two-leaf tree with the same root and proof [node23].
        byte[][] chunks = [[1], [2], [3], [4]];
        var leaves = new byte[4 * 32];
        for (var i = 0; i < 4; i++)
        {
            ChunkMerkleTree.HashLeaf(chunks[i], leaves.AsSpan(i * 32, 32));
        }

        var tree = ChunkMerkleTree.FromLeafHashes(leaves);
        var proofOf0 = tree.GetProof(0); // leaf1, node23
        var node23 = proofOf0[32..];
        Assert.False(ChunkMerkleTree.Verify(tree.Root, 2, 0, leaves[..64], node23));
        Assert.False(ChunkMerkleTree.Verify(tree.Root, 2, 1, leaves[64..], SHA256.HashData([0x01, .. leaves[..64]])));
        Assert.True(ChunkMerkleTree.Verify(tree.Root, 4, 0, chunks[0], proofOf0));
    }

    [Fact]
    public void The_leaf_count_is_part_of_the_proof()
    {
        var random = new Random(TestRandom.Seed(600));
        var data = TestRandom.Bytes(random, 5 * 10);
        var tree = ChunkMerkleTree.Build(data, 10);
        var proof = tree.GetProof(4); // the carried-up fifth leaf: one sibling, at the top
        Assert.True(ChunkMerkleTree.Verify(tree.Root, 5, 4, data.AsSpan(40, 10), proof));
        Assert.False(ChunkMerkleTree.Verify(tree.Root, 6, 4, data.AsSpan(40, 10), proof));
        Assert.False(ChunkMerkleTree.Verify(tree.Root, 8, 4, data.AsSpan(40, 10), proof));
    }

    [Fact]
    public void Bad_sizes_and_indexes_are_refused()
    {
        Assert.Equal(ErasureCodingError.InvalidSize, Assert.Throws<ErasureCodingException>(() => ChunkMerkleTree.Build([1, 2], 0)).Error);
        Assert.Equal(ErasureCodingError.InvalidSize, Assert.Throws<ErasureCodingException>(() => ChunkMerkleTree.FromLeafHashes([])).Error);
        Assert.Equal(ErasureCodingError.InvalidSize, Assert.Throws<ErasureCodingException>(() => ChunkMerkleTree.FromLeafHashes(new byte[33])).Error);
        var tree = ChunkMerkleTree.Build(new byte[10], 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.GetProof(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.GetProof(-1));
        Assert.False(ChunkMerkleTree.Verify(tree.Root, 0, 0, new byte[5], tree.GetProof(0)));
        Assert.False(ChunkMerkleTree.Verify(tree.Root, 2, 0, new byte[5], tree.GetProof(0)[..31]));
    }

    private static ReadOnlySpan<byte> ChunkAt(byte[] data, int index, int chunkSize) =>
        data.AsSpan(index * chunkSize, Math.Min(chunkSize, data.Length - (index * chunkSize)));
}
