using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>A fixed receipt and a fixed worker key for the receipt tests.</summary>
internal static class ReceiptSamples
{
    /// <summary>2026-01-02T03:04:05.678Z as Unix milliseconds.</summary>
    public const long GoldenTimestampMs = 1_767_323_045_678;

    public static ExecutionReceipt Golden() => new()
    {
        JobId = "job-golden",
        Attempt = 2,
        ProgramId = "prog-golden",
        WasmHash = Filled(0x11),
        Abi = ReceiptAbi.Wasi,
        InputHash = Filled(0x22),
        InvocationHash = Filled(0x33),
        StateRootIn = Filled(0x44),
        Outcome = ReceiptOutcome.Completed,
        OutputHash = Filled(0x55),
        FuelConsumed = 351,
        StateRootOut = Filled(0x66),
        EngineName = "wasmtime",
        EngineVersion = "50.0.1",
        EngineConfigDigest = Filled(0x77),
        WorkerId = "w1",
        Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
    };

    /// <summary>A worker key from a fixed seed (<paramref name="seed"/> repeated).</summary>
    public static SecretKey Key(byte seed = 7) => Bls.KeyGen(Enumerable.Repeat(seed, 32).ToArray());

    public static SignedExecutionReceipt Sign(ExecutionReceipt receipt, SecretKey key)
    {
        var hash = ReceiptCodec.Hash(receipt);
        return new SignedExecutionReceipt
        {
            Receipt = receipt,
            ReceiptHash = hash,
            WorkerPublicKey = Bls.SkToPk(key).ToBytes(),
            Signature = Bls.Sign(key, hash).ToBytes(),
        };
    }

    public static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();
}
