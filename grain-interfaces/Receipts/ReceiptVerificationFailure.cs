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

    /// <summary>The signature does not verify for the receipt hash under the public key.</summary>
    BadSignature,

    /// <summary>The receipt verifies, but under another public key than the one the caller trusts for its worker.</summary>
    WrongKey,
}
