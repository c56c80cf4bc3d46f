namespace Marketplace.GrainInterfaces;

/// <summary>What a double-sign evidence check found wrong (<see cref="DoubleSignEvidenceVerifier"/>).</summary>
public enum DoubleSignEvidenceFailure
{
    /// <summary>Nothing: the key signed two conflicting results of one job.</summary>
    None,

    /// <summary>The kind is not <see cref="DoubleSignEvidence.DoubleSignKind"/>.</summary>
    UnknownKind,

    /// <summary>A receipt field has no canonical encoding.</summary>
    MalformedReceipt,

    /// <summary>A stated receipt hash is not the hash of its receipt's fields.</summary>
    HashMismatch,

    /// <summary>The public key is not a valid BLS12-381 G1 key (48 bytes compressed).</summary>
    MalformedPublicKey,

    /// <summary>A signature is not a BLS12-381 G2 point (96 bytes compressed).</summary>
    MalformedSignature,

    /// <summary>A signature does not verify for its receipt hash (or its batch's signing hash) under the public key.</summary>
    BadSignature,

    /// <summary>A half's batch is malformed or its audit path does not lead from the receipt to the batch root.</summary>
    BadBatchProof,

    /// <summary>The two receipts are of different jobs (and not of two different batches under one sequence number).</summary>
    DifferentJobs,

    /// <summary>The two receipts claim the same result (same result digest): signing a result twice is no offence.</summary>
    SameResult,

    /// <summary>The two receipts were signed with different keys (only when building evidence from two signed receipts).</summary>
    DifferentKeys,
}
