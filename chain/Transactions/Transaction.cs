using System.Numerics;
using Marketplace.Chain.Rlp;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Transactions;

/// <summary>
/// An unsigned transaction. Build an <see cref="Eip1559Transaction"/> (type 2) or a <see cref="LegacyTransaction"/>
/// (type 0, EIP-155), then <see cref="Sign"/> it.
/// </summary>
public abstract class Transaction
{
    private static readonly BigInteger MaxUInt256 = (BigInteger.One << 256) - 1;

    private protected Transaction()
    {
    }

    /// <summary>The sender's nonce (EIP-2681: below 2^64 - 1).</summary>
    public required ulong Nonce { get; init; }

    /// <summary>Gas limit.</summary>
    public required ulong GasLimit { get; init; }

    /// <summary>Recipient, or null to create a contract from <see cref="Data"/>.</summary>
    public Address? To { get; init; }

    /// <summary>Wei sent with the transaction.</summary>
    public BigInteger Value { get; init; }

    /// <summary>Call data or contract creation code.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The EIP-2718 type: 0 for legacy, 2 for EIP-1559.</summary>
    public abstract byte Type { get; }

    /// <summary>The bytes whose Keccak-256 is signed.</summary>
    public abstract byte[] EncodeForSigning();

    /// <summary>Keccak-256 of <see cref="EncodeForSigning"/>.</summary>
    public Hash32 SigningHash() => Hash32.FromBytes(Keccak256.Hash(EncodeForSigning()));

    /// <summary>
    /// Checks the rules that need no chain state: every field within its width, and the fee rules of the type.
    /// </summary>
    /// <exception cref="InvalidTransactionException">A rule is broken; <see cref="InvalidTransactionException.Rule"/> names it.</exception>
    public virtual void Validate()
    {
        if (Nonce == ulong.MaxValue)
        {
            throw new InvalidTransactionException("nonce_max", "The nonce 2^64 - 1 is not allowed (EIP-2681).");
        }

        CheckUInt256(Value, "value");
    }

    /// <summary>Signs with RFC 6979 deterministic nonces (low-s); validates first.</summary>
    /// <exception cref="InvalidTransactionException">The transaction breaks a validity rule.</exception>
    public SignedTransaction Sign(Secp256k1PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Validate();
        var signature = key.Sign(SigningHash().Bytes);
        return new SignedTransaction(this, signature, EncodeSigned(signature));
    }

    /// <summary>The EIP-2718 envelope with the signature.</summary>
    internal abstract byte[] EncodeSigned(EcdsaSignature signature);

    /// <summary>The value of v (legacy) or yParity (typed) as it is serialized.</summary>
    internal abstract BigInteger SerializedV(int recoveryId);

    private protected static void CheckUInt256(BigInteger value, string field)
    {
        if (value.Sign < 0 || value > MaxUInt256)
        {
            throw new InvalidTransactionException(field + "_overflow", $"The {field} {value} is not a 256-bit unsigned integer.");
        }
    }

    private protected static void CheckGasCost(ulong gasLimit, BigInteger feeCap, string feeName)
    {
        CheckUInt256(feeCap, feeName);
        if (gasLimit * feeCap > MaxUInt256)
        {
            throw new InvalidTransactionException(
                "gas_limit_price_product_overflow", $"Gas limit {gasLimit} times {feeName} {feeCap} overflows 256 bits.");
        }
    }

    private protected void AddCommonTail(RlpListBuilder list)
    {
        list.AddInteger(GasLimit);
        list.AddAddress(To);
        list.AddInteger(Value);
        list.AddBytes(Data.Span);
    }

    private protected static void AddSignature(RlpListBuilder list, BigInteger v, EcdsaSignature signature)
    {
        list.AddInteger(v);
        list.AddInteger(new BigInteger(signature.R, isUnsigned: true, isBigEndian: true));
        list.AddInteger(new BigInteger(signature.S, isUnsigned: true, isBigEndian: true));
    }
}
