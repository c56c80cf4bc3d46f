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

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();
}
