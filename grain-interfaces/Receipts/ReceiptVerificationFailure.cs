namespace Marketplace.GrainInterfaces;

/// <summary>What a receipt check found wrong (<see cref="ReceiptVerifier"/>).</summary>
public enum ReceiptVerificationFailure
{
    /// <summary>Nothing: the receipt is the worker's signed claim.</summary>
    None,

    /// <summary>The form is not one this verifier knows (<see cref="SignedExecutionReceipt.Kind"/>).</summary>
    UnknownKind,

    /// <summary>A receipt field has no canonical encoding (see <see cref="ReceiptCodec.Validate"/>).</summary>
    MalformedReceipt,

    /// <summary>The stated receipt hash is not the hash of the receipt's fields: a field was changed.</summary>
    HashMismatch,

    /// <summary>The public key is not a BLS12-381 G1 point in compressed form (48 bytes).</summary>
    MalformedPublicKey,

    /// <summary>The signature is not a BLS12-381 G2 point in compressed form (96 bytes).</summary>
    MalformedSignature,

    /// <summary>The signature does not verify for the receipt hash (or its batch's signing hash) under the public key.</summary>
    BadSignature,

    /// <summary>The receipt verifies, but under another public key than the one the caller trusts for its worker.</summary>
    WrongKey,

    /// <summary>An aggregated receipt's member list is not well formed: empty, a key that is not a valid 48-byte G1
    /// key, an empty worker id, or a worker id or key listed twice.</summary>
    MalformedMembers,

    /// <summary>An aggregated receipt's signer bitmap is not ⌈members / 8⌉ bytes, or sets a bit past the last member.</summary>
    MalformedBitmap,

    /// <summary>Fewer members signed than the receipt's threshold, the verifier's minimum or a strict majority of the
    /// members.</summary>
    TooFewSigners,

    /// <summary>The registry given to check keys against is not at the epoch the receipt names.</summary>
    WrongEpoch,

    /// <summary>A member's key is not the key the registry holds for that worker (or the worker is not registered).</summary>
    UnknownKey,

    /// <summary>A signer's registered proof of possession does not verify for its key.</summary>
    BadProofOfPossession,

    /// <summary>The receipt names another program or module than the one the verifier expects.</summary>
    WrongProgram,

    /// <summary>The aggregate signature does not verify for the receipt hash under the signers' keys.</summary>
    BadAggregate,

    /// <summary>An aggregated receipt's draw seed is not the seed of its executor's receipt (<see cref="CommitteeDraw.Seed"/>)
    /// although the executor signed it, or is not 32 bytes: the committee would not be the one the draw gives.</summary>
    WrongDrawSeed,

    /// <summary>An aggregated receipt's member list does not start with its one executor: the draw's seed and the
    /// members' roles cannot be read from it.</summary>
    WrongDrawOrder,

    /// <summary>An aggregated receipt's threshold is not the strict majority of its members (⌊n / 2⌋ + 1), the count
    /// a job requires before it takes a result.</summary>
    WrongThreshold,

    /// <summary>A receipt's batch is not well formed: a sequence below 1, a size outside 2 to
    /// <see cref="ReceiptBatch.MaxSize"/>, an index past the size, a root that is not 32 bytes, or an audit path whose
    /// length does not fit the index and size.</summary>
    MalformedBatch,

    /// <summary>A receipt's audit path does not lead from its hash to the batch root it names: the proof is of another
    /// receipt or another batch.</summary>
    BadBatchProof,
}
