using Marketplace.Crypto;
using Marketplace.Crypto.Hashing;

namespace Marketplace.GrainInterfaces;

/// <summary>Checks a <see cref="StateProof"/> without trusting the silo: the key's value (or its absence) against the
/// proof's root, with ONVM's sparse Merkle tree (Blake3, 256 levels, SMT_EMPTY).</summary>
public static class StateProofs
{
    /// <summary>True when <paramref name="proof"/> proves its value (or absence) under <paramref name="expectedRoot"/>
    /// (64 hex; null to check against the proof's own root).</summary>
    public static bool Verify(StateProof proof, string? expectedRoot = null)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (expectedRoot is not null && !string.Equals(expectedRoot, proof.Root, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var root = Convert.FromHexString(proof.Root);
            var siblings = proof.Siblings.Select(Convert.FromHexString).ToArray();
            return proof.Value is null
                ? SparseMerkleTree.VerifyNonMembership(root, proof.Key, siblings)
                : SparseMerkleTree.VerifyMembership(root, proof.Key, proof.Value, siblings);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (CryptoFormatException)
        {
            return false;
        }
    }
}
