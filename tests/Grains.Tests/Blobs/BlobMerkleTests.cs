using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Blobs;

public sealed class BlobMerkleTests(ITestOutputHelper output)
{
    private const int MaxChunks = 40;

    /// <summary>RFC 6962 section 2.1 written recursively, straight from the RFC's text (split at the largest power of
    /// two below n): an independent definition the level-by-level implementation must match.</summary>
    private static byte[] ReferenceRoot(byte[][] chunkHashes, int start, int n)
    {
        if (n == 1)
        {
            return SHA256.HashData([0x00, .. chunkHashes[start]]);
        }

        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. ReferenceRoot(chunkHashes, start, k), .. ReferenceRoot(chunkHashes, start + k, n - k)]);
    }

    private static byte[][] RandomHashes(Random random, int n)
    {
        var hashes = new byte[n][];
        for (var i = 0; i < n; i++)
        {
            hashes[i] = new byte[32];
            random.NextBytes(hashes[i]);
        }

        return hashes;
    }

    private static List<ChunkRef> Refs(byte[][] hashes) =>
        hashes.Select((h, i) => new ChunkRef { Hash = Convert.ToHexStringLower(h), Offset = i * 10L, Size = 10 }).ToList();

    [Fact]
    public void IdIsTheRfc6962RootOverChunkHashesForEveryChunkCount()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var n = 1; n <= MaxChunks; n++)
        {
            var hashes = RandomHashes(random, n);
            var expected = "blob" + Convert.ToHexStringLower(ReferenceRoot(hashes, 0, n));
            Assert.Equal(expected, BlobMerkle.ComputeBlobId(hashes.Select(Convert.ToHexStringLower).ToList()));
        }

        output.WriteLine($"{MaxChunks} chunk counts checked");
    }

    [Fact]
    public void OneChunkRootIsTheLeafHashAndLeavesDifferFromNodes()
    {
        var h = SHA256.HashData("x"u8);
        var hex = Convert.ToHexStringLower(h);
        Assert.Equal("blob" + Convert.ToHexStringLower(SHA256.HashData([0x00, .. h])), BlobMerkle.ComputeBlobId([hex]));

        // Domain separation: the id of [a, b] is not the id of the single "chunk hash" leaf(a) || leaf(b) hashed
        // without prefixes, and differs from the id of [a] and of [b, a].
        var a = Convert.ToHexStringLower(SHA256.HashData("a"u8));
        var b = Convert.ToHexStringLower(SHA256.HashData("b"u8));
        var ab = BlobMerkle.ComputeBlobId([a, b]);
        Assert.NotEqual(ab, BlobMerkle.ComputeBlobId([b, a]));
        Assert.NotEqual(ab, BlobMerkle.ComputeBlobId([a]));
        Assert.NotEqual(ab, BlobMerkle.ComputeBlobId([a, b, a]));
        Assert.True(BlobIds.IsValid(ab));
    }

    [Fact]
    public void ProofsVerifyForEveryChunkOfEveryCount()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var proofs = 0;
        for (var n = 1; n <= MaxChunks; n++)
        {
            var refs = Refs(RandomHashes(random, n));
            var id = BlobMerkle.ComputeBlobId(refs.Select(r => r.Hash).ToList());
            for (var i = 0; i < n; i++)
            {
                var proof = BlobMerkle.CreateProof(id, refs, i);
                Assert.True(BlobMerkle.VerifyProof(proof), $"n={n} i={i}");
                Assert.True(proof.Siblings.Count <= (int)Math.Ceiling(Math.Log2(n)));
                proofs++;
            }
        }

        output.WriteLine($"{proofs} proofs verified");
    }

    [Fact]
    public void TamperedProofsFail()
    {
        var random = new Random(5);
        var refs = Refs(RandomHashes(random, 7));
        var id = BlobMerkle.ComputeBlobId(refs.Select(r => r.Hash).ToList());
        var other = Convert.ToHexStringLower(SHA256.HashData("other"u8));
        for (var i = 0; i < refs.Count; i++)
        {
            var good = BlobMerkle.CreateProof(id, refs, i);
            Assert.True(BlobMerkle.VerifyProof(good));

            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.ChunkHash = other)));
            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.Index = (i + 1) % refs.Count)));
            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.ChunkCount = refs.Count + 1)));
            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.BlobId = BlobMerkle.ComputeBlobId([other]))));
            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.Siblings.Add(other))));
            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.Siblings.RemoveAt(p.Siblings.Count - 1))));
            for (var s = 0; s < good.Siblings.Count; s++)
            {
                var index = s;
                Assert.False(BlobMerkle.VerifyProof(With(good, p => p.Siblings[index] = other)));
            }

            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.Index = -1)));
            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.ChunkHash = p.ChunkHash.ToUpperInvariant())));
            Assert.False(BlobMerkle.VerifyProof(With(good, p => p.BlobId = "blob" + new string('z', 64))));
        }
    }

    [Fact]
    public void VerifyChunkChecksTheBytes()
    {
        var chunks = new[] { "first"u8.ToArray(), "second"u8.ToArray(), "third"u8.ToArray() };
        var refs = chunks.Select((c, i) => new ChunkRef { Hash = BlobMerkle.HashChunk(c), Offset = i, Size = c.Length }).ToList();
        var id = BlobMerkle.ComputeBlobId(refs.Select(r => r.Hash).ToList());
        var proof = BlobMerkle.CreateProof(id, refs, 1);
        Assert.True(BlobMerkle.VerifyChunk(proof, chunks[1]));
        Assert.False(BlobMerkle.VerifyChunk(proof, chunks[0]));
        Assert.False(BlobMerkle.VerifyChunk(proof, "secone"u8));
    }

    [Fact]
    public void ManifestVerificationChecksIdOffsetsAndSize()
    {
        var chunks = new[] { new byte[100], new byte[100], new byte[7] };
        chunks[1][0] = 1;
        long offset = 0;
        var refs = new List<ChunkRef>();
        foreach (var c in chunks)
        {
            refs.Add(new ChunkRef { Hash = BlobMerkle.HashChunk(c), Offset = offset, Size = c.Length });
            offset += c.Length;
        }

        BlobManifest Make() => new()
        {
            Id = BlobMerkle.ComputeBlobId(refs.Select(r => r.Hash).ToList()),
            Size = 207,
            Chunks = refs.Select(r => new ChunkRef { Hash = r.Hash, Offset = r.Offset, Size = r.Size }).ToList(),
        };

        Assert.True(BlobMerkle.VerifyManifest(Make()));
        Assert.False(BlobMerkle.VerifyManifest(With(Make(), m => m.Size = 208)));
        Assert.False(BlobMerkle.VerifyManifest(With(Make(), m => m.Chunks[1].Offset = 99)));
        Assert.False(BlobMerkle.VerifyManifest(With(Make(), m => m.Chunks.Reverse())));
        Assert.False(BlobMerkle.VerifyManifest(With(Make(), m => m.Chunks.Clear())));
        Assert.False(BlobMerkle.VerifyManifest(With(Make(), m => m.Id = BlobMerkle.ComputeBlobId([m.Chunks[0].Hash]))));
    }

    [Fact]
    public void MalformedChunkHashesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => BlobMerkle.ComputeBlobId([]));
        Assert.Throws<ArgumentException>(() => BlobMerkle.ComputeBlobId(["abc"]));
        Assert.Throws<ArgumentException>(() => BlobMerkle.ComputeBlobId([new string('A', 64)]));
    }

    private static T With<T>(T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
