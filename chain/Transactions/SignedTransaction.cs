using System.Numerics;
using Marketplace.Chain.Rlp;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Transactions;

/// <summary>A signed transaction: its fields, signature, raw bytes (for <c>eth_sendRawTransaction</c>) and hash.</summary>
public sealed class SignedTransaction
{
    private readonly byte[] _raw;
    private Address? _sender;

    internal SignedTransaction(Transaction transaction, EcdsaSignature signature, byte[] raw)
    {
        Transaction = transaction;
        Signature = signature;
        _raw = raw;
        Hash = Hash32.FromBytes(Keccak256.Hash(raw));
    }

    /// <summary>The signed fields.</summary>
    public Transaction Transaction { get; }

    /// <summary>The signature (low-s; its recovery id is the yParity).</summary>
    public EcdsaSignature Signature { get; }

    /// <summary>The serialized value of v: yParity for typed transactions, 27/28 or EIP-155 v for legacy ones.</summary>
    public BigInteger V => Transaction.SerializedV(Signature.RecoveryId);

    /// <summary>The EIP-2718 envelope as sent to the network.</summary>
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>The transaction hash: Keccak-256 of <see cref="Raw"/>.</summary>
    public Hash32 Hash { get; }

    /// <summary>The raw bytes as <c>0x</c>-hex.</summary>
    public string RawHex => Hex.Encode(_raw);

    /// <summary>Recovers the sender's address from the signature over the signing hash.</summary>
    /// <exception cref="ChainFormatException">The signature recovers to no valid public key.</exception>
    public Address RecoverSender()
    {
        if (_sender is { } known)
        {
            return known;
        }

        try
        {
            var key = Secp256k1PublicKey.Recover(Transaction.SigningHash().Bytes, Signature);
            var sender = Address.FromPublicKey(key);
            _sender = sender;
            return sender;
        }
        catch (CryptoFormatException e)
        {
            throw new ChainFormatException("The transaction's signature does not recover to a public key: " + e.Message, e);
        }
    }

    /// <summary>
    /// Decodes a raw signed transaction: legacy (first byte 0xc0 or above) or type 2 (first byte 0x02). The RLP must
    /// be canonical with no trailing bytes; integers may not exceed 256 bits (nonce and gas limit: 64 bits).
    /// Validity rules (<see cref="Transaction.Validate"/>) are not applied; call it when needed.
    /// </summary>
    /// <exception cref="ChainFormatException">The bytes are not a well-formed signed transaction of a supported type.</exception>
    public static SignedTransaction Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            throw new ChainFormatException("A raw transaction cannot be empty.");
        }

        var first = raw[0];
        if (first >= 0xc0)
        {
            var (legacy, signature) = LegacyTransaction.FromRlp(RlpDecoder.Decode(raw).Items);
            return Rebuilt(legacy, signature, raw);
        }

        if (first == Eip1559Transaction.TypeByte)
        {
            var (typed, signature) = Eip1559Transaction.FromRlp(RlpDecoder.Decode(raw[1..]).Items);
            return Rebuilt(typed, signature, raw);
        }

        throw new ChainFormatException(
            first <= 0x7f
                ? $"Transaction type 0x{first:x2} is not supported (only legacy and type 2)."
                : $"0x{first:x2} is neither a transaction type nor the start of a legacy transaction.");
    }

    private static SignedTransaction Rebuilt(Transaction transaction, EcdsaSignature signature, ReadOnlySpan<byte> raw)
    {
        var encoded = transaction.EncodeSigned(signature);
        if (!raw.SequenceEqual(encoded))
        {
            // Canonical RLP in, canonical RLP out: a difference means an input the strict decoder should have refused.
            throw new ChainFormatException("The raw transaction does not re-encode to the same bytes.");
        }

        return new SignedTransaction(transaction, signature, encoded);
    }
}
