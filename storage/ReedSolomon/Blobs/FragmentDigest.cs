namespace Marketplace.Storage.ReedSolomon;

/// <summary>What a fragment must hash to: its content address and the root of its chunk Merkle tree.</summary>
public sealed class FragmentDigest
{
    /// <summary>Creates a digest from two 32-byte hashes (copied).</summary>
    /// <exception cref="ErasureCodingException"><see cref="ErasureCodingError.InvalidManifest"/> when a hash is not 32 bytes.</exception>
    public FragmentDigest(ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> merkleRoot)
    {
        if (sha256.Length != ChunkMerkleTree.HashSize || merkleRoot.Length != ChunkMerkleTree.HashSize)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidManifest,
                $"Fragment hashes are {ChunkMerkleTree.HashSize} bytes; got {sha256.Length} and {merkleRoot.Length}.");
        }

        Sha256 = sha256.ToArray();
        MerkleRoot = merkleRoot.ToArray();
    }

    /// <summary>SHA-256 of the whole fragment: its content address.</summary>
    public ReadOnlyMemory<byte> Sha256 { get; }

    /// <summary>The root of the <see cref="ChunkMerkleTree"/> over the fragment's chunks.</summary>
    public ReadOnlyMemory<byte> MerkleRoot { get; }

    /// <summary>The content address as lowercase hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(Sha256.Span);
}
