// Design: double-sign evidence as `marketplace evidence` writes it holds everything the Staking contract needs but the
// worker id its key is registered under; the registry answers that from the key (`keyOwner`). The contract checks each
// signature over its receipt hash alone, under the registered key, so a receipt signed inside a batch (a signature
// over the batch's signing hash) cannot be proven there. Signatures go uncompressed in the EIP-2537 layout.
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

/// <summary>The <c>Staking.slashDoubleSign</c> call for double-sign evidence: anyone presenting two receipts of one
/// job with different results, each signed by the key registered under a worker id, takes that worker's whole stake
/// and bans its key.</summary>
public static class DoubleSignSlashCall
{
    /// <summary>The registry's hash of a compressed public key (keccak-256 of its 48 bytes), the index of
    /// <c>Staking.keyOwner</c>, which answers the chain id of the worker id the key is registered under.</summary>
    public static byte[] KeyHash(ReadOnlySpan<byte> publicKey) => Keccak256.Hash(publicKey);

    /// <summary>Why the contract cannot check <paramref name="evidence"/>'s signatures, or null when it can: the
    /// contract verifies each signature over its receipt hash, so neither receipt may have been signed in a batch.</summary>
    public static string? WhyNotProvable(DoubleSignEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return (evidence.First.Batch, evidence.Second.Batch) switch
        {
            (null, null) => null,
            (not null, _) => $"the first receipt was signed in batch {evidence.First.Batch.Sequence}; the contract checks a signature over the receipt hash alone",
            _ => $"the second receipt was signed in batch {evidence.Second.Batch!.Sequence}; the contract checks a signature over the receipt hash alone",
        };
    }

    /// <summary>The call data of <c>slashDoubleSign(signerIdHash, first, firstSignature, second, secondSignature)</c>
    /// for <paramref name="evidence"/> against the key registered under <paramref name="signerIdHash"/> (keccak-256
    /// of the worker id, <see cref="ReceiptReleaseCall.ChainId"/>). Throws <see cref="ArgumentException"/> when the id
    /// hash is not 32 bytes or a receipt was signed in a batch (<see cref="WhyNotProvable"/>),
    /// <see cref="ReceiptFormatException"/> when a receipt has no canonical encoding, and
    /// <see cref="Crypto.CryptoFormatException"/> when a signature does not decode.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> signerIdHash, DoubleSignEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (signerIdHash.Length != 32)
        {
            throw new ArgumentException($"A worker id hash is 32 bytes, not {signerIdHash.Length}.", nameof(signerIdHash));
        }

        if (WhyNotProvable(evidence) is { } problem)
        {
            throw new ArgumentException(problem, nameof(evidence));
        }

        ReceiptCodec.Validate(evidence.First.Receipt);
        ReceiptCodec.Validate(evidence.Second.Receipt);
        return SettlementContracts.Staking.Abi.GetFunction("slashDoubleSign").EncodeCall(
            signerIdHash.ToArray(),
            ReceiptReleaseCall.Fields(evidence.First.Receipt),
            SignatureWords(evidence.First.Signature),
            ReceiptReleaseCall.Fields(evidence.Second.Receipt),
            SignatureWords(evidence.Second.Signature));
    }

    private static object?[] SignatureWords(byte[] signature) => ReceiptReleaseCall.Words(Signature.FromBytes(signature).ToEip2537());
}
