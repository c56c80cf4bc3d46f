using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;

namespace Marketplace.Api.Tests;

/// <summary>Receipts and signatures made up for trust tests (double-sign evidence): a fixed receipt whose output hash
/// and worker a test chooses, signed with any key.</summary>
internal static class TrustSamples
{
    public static ExecutionReceipt Receipt(string jobId, string programId, string workerId, byte output, long fuel) => new()
    {
        JobId = jobId,
        Attempt = 1,
        ProgramId = programId,
        WasmHash = Filled(0x11),
        Abi = ReceiptAbi.Onvm,
        InputHash = Filled(0x22),
        InvocationHash = new byte[32],
        StateRootIn = Filled(0x44),
        Outcome = ReceiptOutcome.Completed,
        OutputHash = Filled(output),
        FuelConsumed = fuel,
        StateRootOut = Filled(0x66),
        EngineName = "wasmtime",
        EngineVersion = "50.0.1",
        EngineConfigDigest = Filled(0x77),
        WorkerId = workerId,
        Timestamp = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
    };

    public static SignedExecutionReceipt Signed(ExecutionReceipt receipt, SecretKey key)
    {
        var hash = ReceiptCodec.Hash(receipt);
        return new SignedExecutionReceipt { Receipt = receipt, ReceiptHash = hash, WorkerPublicKey = Bls.SkToPk(key).ToBytes(), Signature = Bls.Sign(key, hash).ToBytes() };
    }

    /// <summary><paramref name="receipts"/> signed with <paramref name="key"/> as one batch under
    /// <paramref name="sequence"/>, each with its inclusion proof.</summary>
    public static SignedExecutionReceipt[] SignedBatch(IReadOnlyList<ExecutionReceipt> receipts, SecretKey key, long sequence)
    {
        var hashes = receipts.Select(ReceiptCodec.Hash).ToList();
        var (root, paths) = ReceiptBatch.Build(hashes);
        var signature = Bls.Sign(key, ReceiptBatch.SigningHash(sequence, hashes.Count, root)).ToBytes();
        var publicKey = Bls.SkToPk(key).ToBytes();
        return [.. receipts.Select((r, i) => new SignedExecutionReceipt
        {
            Receipt = r,
            ReceiptHash = hashes[i],
            WorkerPublicKey = publicKey,
            Signature = signature,
            Batch = new ReceiptBatchProof { Sequence = sequence, Size = hashes.Count, Index = i, Path = paths[i], Root = root },
        })];
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();
}
