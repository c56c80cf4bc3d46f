using System.Numerics;
using Marketplace.Chain.Rlp;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Transactions;

/// <summary>
/// A type-2 (EIP-1559) transaction: <c>0x02 || rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit,
/// to, value, data, accessList, yParity, r, s])</c>; the signing hash covers the first nine fields.
/// </summary>
/// <example>
/// <code>
/// var tx = new Eip1559Transaction
/// {
///     ChainId = 31337, Nonce = 0, GasLimit = 21_000,
///     MaxPriorityFeePerGas = Wei.FromGwei(1), MaxFeePerGas = Wei.FromGwei(3),
///     To = Address.Parse("0x3535353535353535353535353535353535353535"), Value = Wei.FromEther(1),
/// };
/// SignedTransaction signed = tx.Sign(key);   // signed.Raw goes to eth_sendRawTransaction
/// </code>
/// </example>
public sealed class Eip1559Transaction : Transaction
{
    /// <summary>The EIP-2718 type byte.</summary>
    public const byte TypeByte = 0x02;

    /// <summary>EIP-155 chain id.</summary>
    public required BigInteger ChainId { get; init; }

    /// <summary>Tip per gas paid to the block producer, at most <see cref="MaxFeePerGas"/>.</summary>
    public required BigInteger MaxPriorityFeePerGas { get; init; }

    /// <summary>Highest total fee per gas (base fee + tip) the sender pays.</summary>
    public required BigInteger MaxFeePerGas { get; init; }

    /// <summary>EIP-2930 access list (empty by default).</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    /// <inheritdoc />
    public override byte Type => TypeByte;

    /// <inheritdoc />
    public override byte[] EncodeForSigning()
    {
        var list = Fields();
        return list.ToArray(TypeByte);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        CheckUInt256(ChainId, "chain_id");
        CheckUInt256(MaxPriorityFeePerGas, "max_priority_fee_per_gas");
        CheckGasCost(GasLimit, MaxFeePerGas, "max_fee_per_gas");
        if (MaxPriorityFeePerGas > MaxFeePerGas)
        {
            throw new InvalidTransactionException(
                "priority_fee_above_max_fee",
                $"maxPriorityFeePerGas {MaxPriorityFeePerGas} is above maxFeePerGas {MaxFeePerGas}.");
        }
    }

    internal override byte[] EncodeSigned(EcdsaSignature signature)
    {
        var list = Fields();
        AddSignature(list, signature.RecoveryId, signature);
        return list.ToArray(TypeByte);
    }

    internal override BigInteger SerializedV(int recoveryId) => recoveryId;

    /// <summary>Reads the twelve fields of a signed type-2 transaction (the list after the type byte).</summary>
    internal static (Eip1559Transaction Transaction, EcdsaSignature Signature) FromRlp(IReadOnlyList<RlpItem> fields)
    {
        if (fields.Count != 12)
        {
            throw new ChainFormatException($"A signed EIP-1559 transaction has 12 fields; got {fields.Count}.");
        }

        var tx = new Eip1559Transaction
        {
            ChainId = fields[0].ToUnsignedInteger(),
            Nonce = fields[1].ToUInt64(),
            MaxPriorityFeePerGas = fields[2].ToUnsignedInteger(),
            MaxFeePerGas = fields[3].ToUnsignedInteger(),
            GasLimit = fields[4].ToUInt64(),
            To = fields[5].ToAddressOrNull(),
            Value = fields[6].ToUnsignedInteger(),
            Data = fields[7].Bytes,
            AccessList = ReadAccessList(fields[8]),
        };
        var yParity = fields[9].ToUInt64();
        if (yParity > 1)
        {
            throw new ChainFormatException($"yParity must be 0 or 1; got {yParity}.");
        }

        return (tx, SignatureReader.Read(fields[10], fields[11], (int)yParity));
    }

    private RlpListBuilder Fields()
    {
        var list = new RlpListBuilder();
        list.AddInteger(ChainId);
        list.AddInteger(Nonce);
        list.AddInteger(MaxPriorityFeePerGas);
        list.AddInteger(MaxFeePerGas);
        AddCommonTail(list);
        list.AddEncoded(EncodeAccessList(AccessList));
        return list;
    }

    private static byte[] EncodeAccessList(IReadOnlyList<AccessListEntry> accessList)
    {
        var outer = new RlpListBuilder();
        foreach (var entry in accessList)
        {
            var keys = new RlpListBuilder();
            foreach (var key in entry.StorageKeys)
            {
                keys.AddBytes(key.Bytes);
            }

            var pair = new RlpListBuilder();
            pair.AddAddress(entry.Address);
            pair.AddEncoded(keys.ToArray());
            outer.AddEncoded(pair.ToArray());
        }

        return outer.ToArray();
    }

    private static AccessListEntry[] ReadAccessList(RlpItem item)
    {
        var entries = item.Items;
        var result = new AccessListEntry[entries.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var pair = entries[i].Items;
            if (pair.Count != 2)
            {
                throw new ChainFormatException($"An access list entry has 2 fields; entry {i} has {pair.Count}.");
            }

            var address = pair[0].ToAddressOrNull()
                ?? throw new ChainFormatException($"Access list entry {i} has an empty address.");
            var keyItems = pair[1].Items;
            var keys = new Hash32[keyItems.Count];
            for (var k = 0; k < keys.Length; k++)
            {
                keys[k] = Hash32.FromBytes(keyItems[k].Bytes.Span);
            }

            result[i] = new AccessListEntry(address, keys);
        }

        return result;
    }
}
