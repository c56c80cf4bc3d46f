using System.Numerics;
using Marketplace.Chain.Rlp;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Transactions;

/// <summary>
/// A legacy (type 0) transaction: <c>rlp([nonce, gasPrice, gasLimit, to, value, data, v, r, s])</c>. With a
/// <see cref="ChainId"/> it is signed with EIP-155 replay protection: the signing payload ends with
/// <c>chainId, 0, 0</c> and <c>v = recoveryId + 35 + 2 * chainId</c>. Without one (decoded pre-EIP-155 transactions
/// only) v is 27 or 28.
/// </summary>
public sealed class LegacyTransaction : Transaction
{
    /// <summary>EIP-155 chain id; null only for pre-EIP-155 transactions (not replay-protected).</summary>
    public required BigInteger? ChainId { get; init; }

    /// <summary>Fee per gas.</summary>
    public required BigInteger GasPrice { get; init; }

    /// <inheritdoc />
    public override byte Type => 0;

    /// <inheritdoc />
    public override byte[] EncodeForSigning()
    {
        var list = Fields();
        if (ChainId is { } chainId)
        {
            list.AddInteger(chainId);
            list.AddBytes([]);
            list.AddBytes([]);
        }

        return list.ToArray();
    }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (ChainId is { } chainId)
        {
            CheckUInt256(chainId, "chain_id");
            CheckUInt256((chainId * 2) + 36, "v");
        }

        CheckGasCost(GasLimit, GasPrice, "gas_price");
    }

    internal override byte[] EncodeSigned(EcdsaSignature signature)
    {
        var list = Fields();
        AddSignature(list, SerializedV(signature.RecoveryId), signature);
        return list.ToArray();
    }

    internal override BigInteger SerializedV(int recoveryId) =>
        ChainId is { } chainId ? recoveryId + 35 + (2 * chainId) : 27 + recoveryId;

    /// <summary>Reads the nine fields of a signed legacy transaction.</summary>
    internal static (LegacyTransaction Transaction, EcdsaSignature Signature) FromRlp(IReadOnlyList<RlpItem> fields)
    {
        if (fields.Count != 9)
        {
            throw new ChainFormatException($"A signed legacy transaction has 9 fields; got {fields.Count}.");
        }

        var v = fields[6].ToUnsignedInteger();
        BigInteger? chainId;
        int recoveryId;
        if (v == 27 || v == 28)
        {
            chainId = null;
            recoveryId = (int)(v - 27);
        }
        else if (v >= 35)
        {
            chainId = (v - 35) / 2;
            recoveryId = (int)((v - 35) % 2);
        }
        else
        {
            throw new ChainFormatException($"A legacy transaction's v must be 27, 28 or at least 35 (EIP-155); got {v}.");
        }

        var tx = new LegacyTransaction
        {
            Nonce = fields[0].ToUInt64(),
            GasPrice = fields[1].ToUnsignedInteger(),
            GasLimit = fields[2].ToUInt64(),
            To = fields[3].ToAddressOrNull(),
            Value = fields[4].ToUnsignedInteger(),
            Data = fields[5].Bytes,
            ChainId = chainId,
        };
        return (tx, SignatureReader.Read(fields[7], fields[8], recoveryId));
    }

    private RlpListBuilder Fields()
    {
        var list = new RlpListBuilder();
        list.AddInteger(Nonce);
        list.AddInteger(GasPrice);
        AddCommonTail(list);
        return list;
    }
}
