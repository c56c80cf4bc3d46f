using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

/// <summary>
/// Checks a <see cref="StorageFaultEvidence"/> offline: the commitment and the answer signed by the commitment's key,
/// the challenge about the committed deal and fragment with the committed chunk size and a chunk index in range, and
/// the answer's chunk and proof failing against the committed Merkle root.
/// </summary>
/// <remarks>Valid evidence proves that the key's holder committed to a fragment and later signed an answer that
/// fragment cannot give. Which provider holds the key is the directory's to say; the evidence grain checks it.</remarks>
public static class StorageFaultEvidenceVerifier
{
    /// <summary>Verifies <paramref name="evidence"/>: null when it holds, else why not.</summary>
    public static string? Verify(StorageFaultEvidence evidence)
    {
        if (evidence?.Commitment is not { } commitment || evidence.Challenge is not { } challenge || evidence.Answer is not { } answer)
        {
            return "commitment, challenge or answer is missing";
        }

        if (!Bls.Verify(commitment.PublicKey ?? [], commitment.MessageHash(), commitment.Signature ?? []))
        {
            return "the commitment's signature does not verify under its public key";
        }

        if (commitment.Sha256 is not { Length: 32 } || commitment.MerkleRoot is not { Length: ChunkMerkleTree.HashSize } || commitment.ChunkCount < 1)
        {
            return "the commitment's digests or chunk count are malformed";
        }

        if (challenge.DealId != commitment.DealId || challenge.Fragment != commitment.Fragment || challenge.ChunkSize != commitment.ChunkSize
            || challenge.ChunkIndex < 0 || challenge.ChunkIndex >= commitment.ChunkCount)
        {
            return "the challenge is not about a chunk of the committed fragment";
        }

        var chunk = answer.Chunk ?? [];
        var proof = answer.Proof ?? [];
        if (!Bls.Verify(commitment.PublicKey, StorageProof.MessageHash(challenge, chunk, proof), answer.Signature ?? []))
        {
            return "the answer's signature does not verify under the commitment's public key";
        }

        if (chunk.Length == commitment.ChunkSize && ChunkMerkleTree.Verify(commitment.MerkleRoot, commitment.ChunkCount, challenge.ChunkIndex, chunk, proof))
        {
            return "the answer verifies against the committed root: no fault";
        }

        return null;
    }
}
