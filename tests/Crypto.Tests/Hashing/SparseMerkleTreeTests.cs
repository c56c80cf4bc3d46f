using System.Text;
using Marketplace.Crypto.Hashing;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Hashing;

public sealed class SparseMerkleTreeTests(ITestOutputHelper output)
{
    [Fact]
    public void EmptyTreeRootIsTheEmptyConstant()
    {
        Assert.Equal("6f6e766d2d736d742d656d7074792d6f6e766d2d736d742d656d707479212100", SparseMerkleTree.Empty.GetRootHex());
        Assert.Equal("6f6e766d2d736d742d656d7074792d6f6e766d2d736d742d656d707479212100", Convert.ToHexStringLower(SparseMerkleTree.EmptySubtree));
    }

    [Theory]
    [InlineData("8f269c3c399a9b1c59432f82186f81f2aab1c79935d2a6b004c211e744bc255c", "a", "1")]
    [InlineData("4a26ff5e246c932b9c279f496f08df69614ea53d90c08807b347f35902aee0a2", "alpha", "one", "beta", "two")]
    [InlineData("01dee219f5367c8b3c38d2277f169b524cc39a42cdb453549672ff2abf7991f9", "alpha", "Hello, KVSTORE!", "__keys", "YWxwaGE=")]
    [InlineData("1b788c33a610470e3ab20210dbebff6c0cd5508adf726857478b5edd5bfc651a", "alpha", "", "__keys", "")]
    public void GoldenRootsOfSeeds(string expected, params string[] pairs)
    {
        var entries = new List<KeyValuePair<byte[], byte[]>>();
        var incremental = SparseMerkleTree.Empty;
        for (var i = 0; i < pairs.Length; i += 2)
        {
            var key = Encoding.UTF8.GetBytes(pairs[i]);
            var value = Encoding.UTF8.GetBytes(pairs[i + 1]);
            entries.Add(new(key, value));
            incremental = incremental.Set(key, value);
        }

        Assert.Equal(expected, SparseMerkleTree.Build(entries).GetRootHex());
        Assert.Equal(expected, incremental.GetRootHex());
    }

    [Fact]
    public void KvstoreClearGoldenReachedByUpdatesAndEmptyValuesAreValues()
    {
        // put → clear as the kvstore does: overwrite both keys with empty values (not deletes).
        var afterPut = SparseMerkleTree.Empty.Set("alpha"u8, "Hello, KVSTORE!"u8).Set("__keys"u8, "YWxwaGE="u8);
        Assert.Equal("01dee219f5367c8b3c38d2277f169b524cc39a42cdb453549672ff2abf7991f9", afterPut.GetRootHex());
        var afterClear = afterPut.Set("alpha"u8, ""u8).Set("__keys"u8, ""u8);
        Assert.Equal("1b788c33a610470e3ab20210dbebff6c0cd5508adf726857478b5edd5bfc651a", afterClear.GetRootHex());
        Assert.Equal(2, afterClear.Count);
        Assert.NotEqual(SparseMerkleTree.Empty.GetRootHex(), afterClear.GetRootHex());

        // The old tree is untouched (persistent), and deleting everything returns to the empty root.
        Assert.Equal("01dee219f5367c8b3c38d2277f169b524cc39a42cdb453549672ff2abf7991f9", afterPut.GetRootHex());
        Assert.Equal(SparseMerkleTree.Empty.GetRootHex(), afterClear.Remove("alpha"u8).Remove("__keys"u8).GetRootHex());
    }

    [Fact]
    public void RandomUpdatesAgreeWithRebuildAndProofsVerify()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var model = new Dictionary<string, byte[]>();
        var tree = SparseMerkleTree.Empty;
        for (var step = 0; step < 400; step++)
        {
            var key = $"k{random.Next(60)}";
            if (random.Next(4) == 0)
            {
                model.Remove(key);
                tree = tree.Remove(Encoding.UTF8.GetBytes(key));
            }
            else
            {
                var value = new byte[random.Next(0, 40)];
                random.NextBytes(value);
                model[key] = value;
                tree = tree.Set(Encoding.UTF8.GetBytes(key), value);
            }
        }

        var rebuilt = SparseMerkleTree.Build(model.Select(p => new KeyValuePair<byte[], byte[]>(Encoding.UTF8.GetBytes(p.Key), p.Value)));
        Assert.Equal(rebuilt.GetRootHex(), tree.GetRootHex());
        Assert.Equal(model.Count, tree.Count);

        var root = tree.GetRoot();
        for (var i = 0; i < 60; i++)
        {
            var key = Encoding.UTF8.GetBytes($"k{i}");
            var proof = tree.GetProof(key);
            Assert.Equal(SparseMerkleTree.Depth, proof.Length);
            if (model.TryGetValue($"k{i}", out var value))
            {
                Assert.True(tree.Contains(key));
                Assert.True(SparseMerkleTree.VerifyMembership(root, key, value, proof), $"seed {seed} key k{i}");
                Assert.False(SparseMerkleTree.VerifyMembership(root, key, [.. value, 1], proof));
                Assert.False(SparseMerkleTree.VerifyNonMembership(root, key, proof));
            }
            else
            {
                Assert.False(tree.Contains(key));
                Assert.True(SparseMerkleTree.VerifyNonMembership(root, key, proof), $"seed {seed} key k{i}");
                Assert.False(SparseMerkleTree.VerifyMembership(root, key, [], proof));
            }
        }
    }

    [Fact]
    public void ProofsOfTheSingleKeyTreeAndTheEmptyTree()
    {
        var tree = SparseMerkleTree.Empty.Set("a"u8, "1"u8);
        var root = tree.GetRoot();
        Assert.True(SparseMerkleTree.VerifyMembership(root, "a"u8, "1"u8, tree.GetProof("a"u8)));
        Assert.True(SparseMerkleTree.VerifyNonMembership(root, "b"u8, tree.GetProof("b"u8)));
        var empty = SparseMerkleTree.Empty;
        Assert.True(SparseMerkleTree.VerifyNonMembership(empty.GetRoot(), "a"u8, empty.GetProof("a"u8)));

        // A tampered sibling fails; a malformed proof is a format error.
        var proof = tree.GetProof("a"u8);
        proof[200] = new byte[32];
        Assert.False(SparseMerkleTree.VerifyMembership(root, "a"u8, "1"u8, proof));
        Assert.Throws<CryptoFormatException>(() => SparseMerkleTree.VerifyMembership(root, "a"u8, "1"u8, proof[..10]));
        Assert.Throws<CryptoFormatException>(() => SparseMerkleTree.VerifyMembership(root[..5], "a"u8, "1"u8, tree.GetProof("a"u8)));
    }
}
