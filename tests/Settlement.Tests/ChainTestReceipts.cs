using Marketplace.GrainInterfaces;

namespace Marketplace.Settlement.Tests;

/// <summary>Canonical execution receipts for the chain tests: every hash zero but the output's first byte, a WASI
/// run that completed on wasmtime 50.0.1.</summary>
internal static class ChainTestReceipts
{
    /// <summary>The default timestamp, in Unix milliseconds.</summary>
    public const long DefaultTimestampMs = 1_767_323_045_678;

    /// <summary>A receipt of <paramref name="jobId"/> run by <paramref name="workerId"/>.</summary>
    public static ExecutionReceipt Of(string jobId, string workerId, long fuel, byte outputByte = 0, long timestampMs = DefaultTimestampMs)
    {
        var output = new byte[32];
        output[0] = outputByte;
        return new ExecutionReceipt
        {
            JobId = jobId,
            Attempt = 1,
            ProgramId = "prog",
            WasmHash = new byte[32],
            Abi = ReceiptAbi.Wasi,
            InputHash = new byte[32],
            InvocationHash = new byte[32],
            StateRootIn = new byte[32],
            Outcome = ReceiptOutcome.Completed,
            OutputHash = output,
            FuelConsumed = fuel,
            StateRootOut = new byte[32],
            EngineName = "wasmtime",
            EngineVersion = "50.0.1",
            EngineConfigDigest = new byte[32],
            WorkerId = workerId,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs),
        };
    }
}
