// Design: everything the ReceiptRelease contract needs is in the aggregated receipt file a client already keeps: the
// receipt's fields, the members and the signer bitmap, the compressed aggregate signature. The call names the
// signers by keccak-256 of their worker ids in ascending byte order (so the contract counts each once) and carries
// the signature uncompressed in the layout of the EIP-2537 precompiles. A receipt file signed by its executor alone
// (kind "executor") needs no committee: with a batch inclusion proof it goes to releaseByBatchProof (the proof as the
// file carries it, the signature over the batch's signing hash), signed alone to releaseByProof with the executor as
// the one signer; either releases only a job whose client stated a threshold of 1.
using System.Numerics;
using System.Text;
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

/// <summary>The <c>ReceiptRelease.releaseByProof</c> call for an aggregated receipt or a receipt signed by its executor
/// alone, the <c>releaseByBatchProof</c> call for an executor's batch-signed receipt, and the ids they use on
/// chain.</summary>
public static class ReceiptReleaseCall
{
    /// <summary>The chain's id of a job or a worker: keccak-256 of its UTF-8 id.</summary>
    public static byte[] ChainId(string id) => Keccak256.Hash(Encoding.UTF8.GetBytes(id));

    /// <summary>The call data of <c>releaseByProof(jobId, receipt, signerIds, aggregateSignature)</c> for
    /// <paramref name="aggregated"/>. Throws <see cref="ReceiptFormatException"/> when the receipt has no canonical
    /// encoding, the bitmap names no member or a member past the list, and <see cref="Crypto.CryptoFormatException"/> when the
    /// signature does not decode.</summary>
    public static byte[] Encode(AggregatedReceipt aggregated)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        var receipt = aggregated.Receipt;
        ReceiptCodec.Validate(receipt);
        var signers = Signers(aggregated);
        var signature = Words(Signature.FromBytes(aggregated.AggregateSignature).ToEip2537());
        return SettlementContracts.ReceiptRelease.Abi.GetFunction("releaseByProof").EncodeCall(ChainId(receipt.JobId), Fields(receipt), signers, signature);
    }

    /// <summary>The call data for <paramref name="signed"/>, a receipt signed by its executor alone:
    /// <c>releaseByBatchProof(jobId, receipt, batch, signature)</c> when it carries a batch inclusion proof, else
    /// <c>releaseByProof(jobId, receipt, [executor], signature)</c>. Throws <see cref="ReceiptFormatException"/> when the
    /// receipt has no canonical encoding or the batch's numbers, root or path cannot be encoded (a sequence below 1, a
    /// size or index below 0, a root not 32 bytes, a path not whole 32-byte hashes), and
    /// <see cref="Crypto.CryptoFormatException"/> when the signature does not decode.</summary>
    public static byte[] Encode(SignedExecutionReceipt signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        var receipt = signed.Receipt;
        ReceiptCodec.Validate(receipt);
        var signature = Words(Signature.FromBytes(signed.Signature).ToEip2537());
        var abi = SettlementContracts.ReceiptRelease.Abi;
        if (signed.Batch is not { } batch)
        {
            return abi.GetFunction("releaseByProof").EncodeCall(ChainId(receipt.JobId), Fields(receipt), new List<byte[]> { ChainId(receipt.WorkerId) }, signature);
        }

        return abi.GetFunction("releaseByBatchProof").EncodeCall(ChainId(receipt.JobId), Fields(receipt), Proof(batch), signature);
    }

    /// <summary>The <c>ReceiptBatch.Proof</c> tuple of <paramref name="batch"/>: sequence, size, index, root and the
    /// path split into its 32-byte hashes, leaf to root.</summary>
    internal static object?[] Proof(ReceiptBatchProof batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Sequence < 1 || batch.Size < 0 || batch.Index < 0 || batch.Root is not { Length: ReceiptCodec.HashBytes }
            || batch.Path is null || batch.Path.Length % ReceiptCodec.HashBytes != 0)
        {
            throw new ReceiptFormatException($"batch sequence {batch.Sequence}, size {batch.Size}, index {batch.Index}, root of {batch.Root?.Length ?? 0} bytes and path of {batch.Path?.Length ?? 0} bytes cannot be presented (sequence >= 1, size and index >= 0, 32-byte root and path hashes)");
        }

        var path = new List<byte[]>(batch.Path.Length / ReceiptCodec.HashBytes);
        for (var at = 0; at < batch.Path.Length; at += ReceiptCodec.HashBytes)
        {
            path.Add(batch.Path[at..(at + ReceiptCodec.HashBytes)]);
        }

        return [batch.Sequence, (long)batch.Size, (long)batch.Index, batch.Root, path];
    }

    /// <summary>The <c>ReceiptCodec.ExecutionReceipt</c> tuple of <paramref name="receipt"/>, its fields in encoded
    /// order.</summary>
    internal static object?[] Fields(ExecutionReceipt receipt) =>
    [
        receipt.JobId, (long)receipt.Attempt, receipt.ProgramId, receipt.WasmHash, (int)receipt.Abi, receipt.InputHash,
        receipt.InvocationHash, receipt.StateRootIn, (int)receipt.Outcome, receipt.OutputHash, receipt.FuelConsumed,
        receipt.StateRootOut, receipt.EngineName, receipt.EngineVersion, receipt.EngineConfigDigest, receipt.WorkerId,
        receipt.Timestamp.ToUnixTimeMilliseconds(),
    ];

    /// <summary>The chain ids of the members whose bit is set, in ascending byte order.</summary>
    public static List<byte[]> Signers(AggregatedReceipt aggregated)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        var bitmap = aggregated.SignerBitmap ?? [];
        if (bitmap.Length * 8 < aggregated.Members.Count || bitmap.Length > (aggregated.Members.Count + 7) / 8)
        {
            throw new ReceiptFormatException($"the signer bitmap of {bitmap.Length} bytes does not fit {aggregated.Members.Count} members");
        }

        var signers = new List<byte[]>();
        for (var i = 0; i < aggregated.Members.Count; i++)
        {
            if ((bitmap[i / 8] & (1 << (i % 8))) != 0)
            {
                signers.Add(ChainId(aggregated.Members[i].WorkerId));
            }
        }

        if (signers.Count == 0)
        {
            throw new ReceiptFormatException("the signer bitmap names no member");
        }

        signers.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        return signers;
    }

    /// <summary>32-byte big-endian words of <paramref name="bytes"/>, as the ABI's <c>uint256</c> tuple members of a
    /// <c>Bls12381.G1Point</c> or <c>G2Point</c>.</summary>
    internal static object?[] Words(byte[] bytes)
    {
        var words = new object?[bytes.Length / 32];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = new BigInteger(bytes.AsSpan(i * 32, 32), isUnsigned: true, isBigEndian: true);
        }

        return words;
    }
}
