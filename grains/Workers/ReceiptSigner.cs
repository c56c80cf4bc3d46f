// Design: the receipt is built where the run's facts are at hand (the executor, right after the runner returned) and
// signed there with the worker's key, so the job never sees an unsigned claim. Only endings that replay the same way
// get a receipt (ReceiptOutcome); the others (timeouts, cancels, state conflicts, memory limits, programs that never
// reached the sandbox) report without one. Signing costs one BLS signature (about 0.5 ms), made after the run's slot
// is free, beside the claim's fsync and the store of the run's output (the receipt names the output by its hash).
// Every signature the worker makes first records the claim durably in the worker's sign-intent log (SignIntentLog:
// append, fsync, and only then release a signature), so the worker never signs two results for a job.
// An executor's receipts are signed in batches (SignAsync) under one Merkle root, one intent append, one fsync and one
// BLS signature. A batch closes when it is full, when the worker has no other run in progress or queued (so nothing
// more is coming: at low load every receipt is signed at once, alone), or when its first receipt has waited the batch
// window. Receipts that arrive while a batch is being signed join the next one.
using System.Diagnostics;
using System.Security.Cryptography;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Telemetry;

namespace Marketplace.Grains.Workers;

/// <summary>Builds and signs one worker's execution receipts with its BLS key (see grain-interfaces/Receipts/README.md),
/// never two different results for one job (<see cref="SignIntentLog"/>).</summary>
/// <remarks><paramref name="schedule"/> starts the batch loop when a receipt arrives at an idle signer (default: on the
/// thread pool); tests pass one that runs it when they say, to build batches of a known size.</remarks>
internal sealed class ReceiptSigner(string workerId, SecretKey key, TimeProvider time, SignIntentLog intents, int batchLimit = ReceiptSigner.DefaultBatchLimit, Action<Action>? schedule = null) : IDisposable
{
    /// <summary>Receipts signed under one root at most, by default.</summary>
    public const int DefaultBatchLimit = 64;

    private readonly byte[] _publicKey = Bls.SkToPk(key).ToBytes();
    private readonly Lock _batchGate = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly int _batchLimit = Math.Clamp(batchLimit, 1, GrainInterfaces.ReceiptBatch.MaxSize);
    private List<PendingReceipt> _waiting = [];
    private bool _signing;

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
        return SignNoted(messageHash.ToArray());
    }

    /// <summary>How long the first receipt of a batch waits at most for others while the worker has runs in progress
    /// (default 2 ms).</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How many of the worker's runs are in progress or queued, not counting those already handed to
    /// <see cref="SignAsync"/>: a batch waits for more receipts only while this is above zero (default: never).</summary>
    public Func<int> RunsInProgress { get; set; } = static () => 0;

    /// <summary>Where the signer notes each signature it makes (its own public key, the message, the signature), so the
    /// job grains of its silo need not check by pairing what this process just signed (null: nowhere).</summary>
    public VerifiedSignatures? LocalSignatures { get; init; }

    /// <summary>The signed receipt of <paramref name="result"/>, the run of attempt <paramref name="assignment"/> on
    /// <paramref name="input"/>, signed alone; null when the run's ending gets no receipt. Throws
    /// <see cref="DoubleSignRefusedException"/> when the worker already claimed another result for the job.</summary>
    public SignedExecutionReceipt? Sign(JobAssignment assignment, ReadOnlySpan<byte> input, ProgramRunResult result) =>
        Build(assignment, input, result) is { } receipt ? SignAlone(receipt, ReceiptCodec.Hash(receipt)) : null;

    /// <summary>
    /// Signs <paramref name="receipt"/> (from <see cref="Build"/>) in the next batch: alone when the worker has no other
    /// run in progress, else together with the receipts of the runs that end within <see cref="BatchWindow"/> (and
    /// those that arrive while a batch is being signed), up to the batch limit. Faults with
    /// <see cref="DoubleSignRefusedException"/> when the worker already claimed another result for the job.
    /// </summary>
    public Task<SignedExecutionReceipt> SignAsync(ExecutionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var pending = new PendingReceipt(receipt, ReceiptCodec.Hash(receipt), ReceiptCodec.ResultDigest(receipt));
        bool lead;
        lock (_batchGate)
        {
            _waiting.Add(pending);
            lead = !_signing;
            _signing = true;
        }

        if (lead)
        {
            if (schedule is null)
            {
                _ = Task.Run(SignWaitingBatchesAsync);
            }
            else
            {
                schedule(() => _ = SignWaitingBatchesAsync());
            }
        }
        else
        {
            _arrived.Release();
        }

        return pending.Done.Task;
    }

    /// <summary>Tells a batch that waits for more receipts that one of the worker's runs ended (with or without a
    /// receipt), so it closes as soon as no run is left in progress.</summary>
    public void RunEnded()
    {
        if (Volatile.Read(ref _signing))
        {
            _arrived.Release();
        }
    }

    /// <summary>The unsigned receipt of <paramref name="result"/>, the run of attempt <paramref name="assignment"/> on
    /// <paramref name="input"/>; null when the run's ending gets no receipt.</summary>
    public ExecutionReceipt? Build(JobAssignment assignment, ReadOnlySpan<byte> input, ProgramRunResult result)
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
        return receipt;
    }

    private byte[] SignNoted(byte[] messageHash) => Noted(messageHash, Bls.Sign(key, messageHash).ToBytes());

    /// <summary>Starts signing <paramref name="messageHash"/> on the thread pool; the caller releases the signature
    /// only once the claim behind it is on disk.</summary>
    private Task<byte[]> SignAside(byte[] messageHash) => Task.Run(() => Bls.Sign(key, messageHash).ToBytes());

    private byte[] Noted(byte[] messageHash, byte[] signature)
    {
        LocalSignatures?.Add(_publicKey, messageHash, signature);
        return signature;
    }

    private SignedExecutionReceipt SignAlone(ExecutionReceipt receipt, byte[] hash) => new()
    {
        Receipt = receipt,
        ReceiptHash = hash,
        WorkerPublicKey = _publicKey,
        Signature = SignHash(receipt.JobId, ReceiptCodec.ResultDigest(receipt), hash),
    };

    private async Task SignWaitingBatchesAsync()
    {
        while (true)
        {
            List<PendingReceipt>? batch = null;
            while (batch is null)
            {
                TimeSpan wait;
                lock (_batchGate)
                {
                    if (_waiting.Count == 0)
                    {
                        _signing = false;
                        return;
                    }

                    wait = BatchWindow - Stopwatch.GetElapsedTime(_waiting[0].Arrived);
                    if (_waiting.Count >= _batchLimit || wait <= TimeSpan.Zero || RunsInProgress() <= 0)
                    {
                        batch = Take();
                    }
                }

                if (batch is null)
                {
                    await _arrived.WaitAsync(wait).ConfigureAwait(false);
                }
            }

            await SignBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private List<PendingReceipt> Take()
    {
        List<PendingReceipt> batch;
        if (_waiting.Count <= _batchLimit)
        {
            batch = _waiting;
            _waiting = [];
        }
        else
        {
            batch = _waiting.GetRange(0, _batchLimit);
            _waiting.RemoveRange(0, _batchLimit);
        }

        return batch;
    }

    private async Task SignBatchAsync(List<PendingReceipt> batch)
    {
        try
        {
            // The BLS signature is computed while the claims' record is written and fsynced (the seal runs just
            // before the write), on another thread: the fsync mostly waits for the disk. The signature stays in
            // memory until the fsync returned; a crash before then takes it with the process, unsent.
            Task<byte[]>? signing = null;
            byte[] message = [];
            var claims = new (string JobId, byte[] Digest)[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                claims[i] = (batch[i].Receipt.JobId, batch[i].Digest);
            }

            List<int> kept = [];
            byte[][] paths = [];
            byte[] root = [];
            var (_, refusals, sequence) = intents.RecordBatch(claims, (accepted, sequence) =>
            {
                for (var i = 0; i < accepted.Length; i++)
                {
                    if (accepted[i])
                    {
                        kept.Add(i);
                    }
                }

                if (kept.Count == 1)
                {
                    message = batch[kept[0]].Hash;
                    signing = SignAside(message);
                    return (message, null);
                }

                var hashes = new byte[kept.Count][];
                for (var i = 0; i < kept.Count; i++)
                {
                    hashes[i] = batch[kept[i]].Hash;
                }

                (root, paths) = GrainInterfaces.ReceiptBatch.Build(hashes);
                message = GrainInterfaces.ReceiptBatch.SigningHash(sequence, kept.Count, root);
                signing = SignAside(message);
                return (message, root);
            });

            for (var i = 0; i < batch.Count; i++)
            {
                if (refusals[i] is { } refused)
                {
                    batch[i].Done.TrySetException(refused);
                }
            }

            if (kept.Count == 0)
            {
                return;
            }

            MarketplaceTelemetry.ReceiptBatchSigned(kept.Count);
            var signature = Noted(message, await signing!.ConfigureAwait(false));
            if (kept.Count == 1)
            {
                var alone = batch[kept[0]];
                alone.Done.TrySetResult(new SignedExecutionReceipt
                {
                    Receipt = alone.Receipt,
                    ReceiptHash = alone.Hash,
                    WorkerPublicKey = _publicKey,
                    Signature = signature,
                });
                return;
            }

            for (var i = 0; i < kept.Count; i++)
            {
                var pending = batch[kept[i]];
                pending.Done.TrySetResult(new SignedExecutionReceipt
                {
                    Receipt = pending.Receipt,
                    ReceiptHash = pending.Hash,
                    WorkerPublicKey = _publicKey,
                    Signature = signature,
                    Batch = new ReceiptBatchProof { Sequence = sequence, Size = kept.Count, Index = i, Path = paths[i], Root = root },
                });
            }
        }
        catch (Exception e)
        {
            // Handed to every receipt of the batch not yet answered (a full disk, a stopped log): nothing of it was
            // signed, and each run is reported as a failure the job retries.
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        key.Dispose();
        intents.Dispose();
        _arrived.Dispose();
    }

    private sealed record PendingReceipt(ExecutionReceipt Receipt, byte[] Hash, byte[] Digest)
    {
        public long Arrived { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<SignedExecutionReceipt> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
