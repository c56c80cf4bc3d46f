namespace Marketplace.GrainInterfaces;

/// <summary>A job's full status.</summary>
[GenerateSerializer]
[Alias("marketplace.job-info")]
public sealed class JobInfo
{
    /// <summary>The job id.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The owning client.</summary>
    [Id(1)] public string ClientId { get; set; } = "";

    /// <summary>The client's request id, if any.</summary>
    [Id(2)] public string? RequestId { get; set; }

    /// <summary>The resolved program id.</summary>
    [Id(3)] public string ProgramId { get; set; } = "";

    /// <summary>Current status.</summary>
    [Id(4)] public JobStatus Status { get; set; }

    /// <summary>Why it failed (or why the last attempt failed while retrying).</summary>
    [Id(5)] public FailureReason FailureReason { get; set; }

    /// <summary>Human-readable failure text, e.g. "timed out after 200 ms".</summary>
    [Id(6)] public string? ErrorMessage { get; set; }

    /// <summary>Submit time.</summary>
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the current/last attempt was assigned to a worker.</summary>
    [Id(8)] public DateTimeOffset? MatchedAt { get; set; }

    /// <summary>When the current/last attempt started executing.</summary>
    [Id(9)] public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the job reached a terminal status.</summary>
    [Id(10)] public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Fuel consumed by the last attempt.</summary>
    [Id(11)] public long FuelConsumed { get; set; }

    /// <summary>Retries so far.</summary>
    [Id(12)] public int RetryCount { get; set; }

    /// <summary>Retries allowed.</summary>
    [Id(13)] public int MaxRetries { get; set; }

    /// <summary>The worker of the current/last attempt.</summary>
    [Id(14)] public string? WorkerId { get; set; }

    /// <summary>The output blob of a completed job.</summary>
    [Id(15)] public string? OutputBlobId { get; set; }

    /// <summary>Output size in bytes.</summary>
    [Id(16)] public long OutputSize { get; set; }

    /// <summary>Price per million fuel of the winning bid.</summary>
    [Id(17)] public long PricePerMillionFuel { get; set; }

    /// <summary>When no worker was eligible: one line per worker saying why (e.g. "needs 2 GiB memory, worker w3
    /// offers 1 GiB").</summary>
    [Id(18)] public List<WorkerIneligibility> Ineligible { get; set; } = [];

    /// <summary>The limits in force: fuel.</summary>
    [Id(19)] public long MaxFuel { get; set; }

    /// <summary>The limits in force: memory bytes.</summary>
    [Id(20)] public long MaxMemoryBytes { get; set; }

    /// <summary>The limits in force: timeout ms.</summary>
    [Id(21)] public long TimeoutMs { get; set; }

    /// <summary>Labels given at submit.</summary>
    [Id(22)] public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>The program's state root after the completed run, 64 hex.</summary>
    [Id(23)] public string? StateRoot { get; set; }

    /// <summary>The hash of the receipt of the job's last receipted run (<see cref="ReceiptCodec.Hash"/>), 64 hex; null
    /// until a run that gets a receipt was reported. The signed receipt: <see cref="IJobGrain.GetReceiptAsync"/>.</summary>
    [Id(24)] public string? ReceiptHash { get; set; }

    /// <summary>The committee's summary once the run was reported (null before, and for jobs stored before committees
    /// existed): state, committee size, signers, distinct results.</summary>
    [Id(25)] public JobVerification? Verification { get; set; }
}

/// <summary>Why one worker could not take a job.</summary>
[GenerateSerializer]
[Alias("marketplace.worker-ineligibility")]
public sealed class WorkerIneligibility
{
    /// <summary>The worker.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>The reason, e.g. "needs 2 GiB memory, worker w3 offers 1 GiB".</summary>
    [Id(1)] public string Reason { get; set; } = "";
}

/// <summary>A job as lists show it.</summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.job-summary")]
[Immutable]
public sealed class JobSummary
{
    /// <summary>The job id.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The client's request id, if any.</summary>
    [Id(1)] public string? RequestId { get; set; }

    /// <summary>The program id.</summary>
    [Id(2)] public string ProgramId { get; set; } = "";

    /// <summary>Current status.</summary>
    [Id(3)] public JobStatus Status { get; set; }

    /// <summary>Submit time.</summary>
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Terminal time, if any.</summary>
    [Id(5)] public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The fuel budget.</summary>
    [Id(6)] public long MaxFuel { get; set; }

    /// <summary>Fuel consumed (0 until the job finished).</summary>
    [Id(7)] public long FuelConsumed { get; set; }
}

/// <summary>One log line of a job.</summary>
[GenerateSerializer]
[Alias("marketplace.job-log-entry")]
public sealed class JobLogEntry
{
    /// <summary>When.</summary>
    [Id(0)] public DateTimeOffset Timestamp { get; set; }

    /// <summary>trace, debug, info, warn or error.</summary>
    [Id(1)] public string Level { get; set; } = "info";

    /// <summary>The text.</summary>
    [Id(2)] public string Message { get; set; } = "";

    /// <summary>The attempt (1-based; 0 for lines outside attempts).</summary>
    [Id(3)] public int Attempt { get; set; }
}
