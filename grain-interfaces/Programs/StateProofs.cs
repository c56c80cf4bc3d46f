using Marketplace.Crypto;
using Marketplace.Crypto.Hashing;

namespace Marketplace.GrainInterfaces;

/// <summary>Checks a <see cref="StateProof"/> without trusting the silo: the key's value (or its absence) against the
/// root the caller trusts, with ONVM's sparse Merkle tree (Blake3, 256 levels, SMT_EMPTY).</summary>
/// <remarks>A proof carries a root of its own, but a proof checked only against the root it brings proves nothing:
/// whoever forged the value can compute a matching root. So the trusted root (from a job's result, a receipt, or a
/// snapshot the caller already checked) is a required argument.</remarks>
public static class StateProofs
{
    /// <summary>True when <paramref name="proof"/> proves its value (or absence) under <paramref name="trustedRoot"/>
    /// (64 hex characters).</summary>
    /// <exception cref="ArgumentException"><paramref name="trustedRoot"/> is empty.</exception>
    public static bool Verify(StateProof proof, string trustedRoot)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentException.ThrowIfNullOrWhiteSpace(trustedRoot);
        if (!string.Equals(trustedRoot, proof.Root, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var root = Convert.FromHexString(trustedRoot);
            var siblings = new byte[proof.Siblings.Count][];
            for (var i = 0; i < siblings.Length; i++)
            {
                siblings[i] = Convert.FromHexString(proof.Siblings[i]);
            }

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
