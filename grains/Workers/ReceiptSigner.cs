// Design: the receipt is built where the run's facts are at hand (the executor, right after the runner returned) and
// signed there with the worker's key, so the job never sees an unsigned claim. Only endings that replay the same way
// get a receipt (ReceiptOutcome); the others (timeouts, cancels, state conflicts, memory limits, programs that never
// reached the sandbox) report without one. Signing costs one BLS signature (about 0.5 ms) on the slot's thread.
// Every signature the worker makes goes through SignHash, which first records the claim durably in the worker's
// sign-intent log (SignIntentLog: append, fsync, and only then sign), so the worker never signs two results for a job.
using System.Security.Cryptography;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;

namespace Marketplace.Grains.Workers;

/// <summary>Builds and signs one worker's execution receipts with its BLS key (see grain-interfaces/Receipts/README.md),
/// never two different results for one job (<see cref="SignIntentLog"/>).</summary>
internal sealed class ReceiptSigner(string workerId, SecretKey key, TimeProvider time, SignIntentLog intents) : IDisposable
{
    private readonly byte[] _publicKey = Bls.SkToPk(key).ToBytes();

    /// <summary>The worker's public key, 48 bytes compressed.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>
    /// The one way this worker signs anything: records in the sign-intent log that it claims
    /// <paramref name="resultDigest"/> (<see cref="ReceiptCodec.ResultDigest"/>) for <paramref name="jobId"/>, waits for
    /// the record to reach the disk, and only then signs <paramref name="messageHash"/> (96 bytes returned). Throws
    /// <see cref="DoubleSignRefusedException"/>, signing nothing, when the worker already claimed another result for
    /// the job; the same result again is signed (it is the same claim).
    /// </summary>
    /// <remarks>Its own receipts, agreements with a candidate receipt and endorsements of a group's representative all
    /// come here, so one place sees every result the worker stands by for a job.</remarks>
    public byte[] SignHash(string jobId, ReadOnlySpan<byte> resultDigest, ReadOnlySpan<byte> messageHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (resultDigest.Length != ReceiptCodec.HashBytes || messageHash.Length != ReceiptCodec.HashBytes)
        {
            throw new ArgumentException($"a result digest and a receipt hash are {ReceiptCodec.HashBytes} bytes each");
        }

        intents.Record(jobId, resultDigest, messageHash);
        return Bls.Sign(key, messageHash).ToBytes();
    }

    /// <summary>The signed receipt of <paramref name="result"/>, the run of attempt <paramref name="assignment"/> on
    /// <paramref name="input"/>; null when the run's ending gets no receipt. Throws
    /// <see cref="DoubleSignRefusedException"/> when the worker already claimed another result for the job.</summary>
    public SignedExecutionReceipt? Sign(JobAssignment assignment, ReadOnlySpan<byte> input, ProgramRunResult result)
    {
        if (result.Provenance is not { } ran || OutcomeOf(result.Outcome) is not { } outcome)
        {
            return null;
        }

        var abi = ran.Abi == ProgramAbi.Wasi ? ReceiptAbi.Wasi : ReceiptAbi.Onvm;
        var now = time.GetUtcNow();
        var receipt = new ExecutionReceipt
        {
            JobId = assignment.JobId,
            Attempt = assignment.Attempt,
            ProgramId = assignment.ProgramId,
            WasmHash = ran.WasmHash,
            Abi = abi,
            InputHash = SHA256.HashData(input),
            InvocationHash = abi == ReceiptAbi.Wasi
                ? ReceiptInvocation.Hash(assignment.Args, assignment.Env, assignment.CreatedAt == default ? null : assignment.CreatedAt)
                : ReceiptInvocation.None,
            StateRootIn = Convert.FromHexString(ran.StateRootIn),
            Outcome = outcome,
            OutputHash = SHA256.HashData(outcome == ReceiptOutcome.Completed ? result.Output.Span : []),
            FuelConsumed = result.FuelConsumed,
            StateRootOut = Convert.FromHexString(outcome == ReceiptOutcome.Completed ? result.StateRoot : ran.StateRootIn),
            EngineName = ExecutionReceipt.Wasmtime,
            EngineVersion = SandboxEngine.WasmtimeVersion,
            EngineConfigDigest = Convert.FromHexString(ran.EngineConfigDigest),
            WorkerId = workerId,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()),
        };
        var hash = ReceiptCodec.Hash(receipt);
        return new SignedExecutionReceipt
        {
            Receipt = receipt,
            ReceiptHash = hash,
            WorkerPublicKey = _publicKey,
            Signature = SignHash(receipt.JobId, ReceiptCodec.ResultDigest(receipt), hash),
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        key.Dispose();
        intents.Dispose();
    }

    private static ReceiptOutcome? OutcomeOf(ProgramRunOutcome outcome) => outcome switch
    {
        ProgramRunOutcome.Succeeded => ReceiptOutcome.Completed,
        ProgramRunOutcome.OutOfFuel => ReceiptOutcome.OutOfFuel,
        ProgramRunOutcome.Trapped => ReceiptOutcome.Trapped,
        ProgramRunOutcome.Exited => ReceiptOutcome.Exited,
        _ => null,
    };
}
