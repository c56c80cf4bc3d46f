namespace Marketplace.GrainInterfaces;

/// <summary>How one attempt ended, reported by the worker that ran it (<see cref="IJobAttemptGrain.ReportAttemptAsync"/>).</summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.attempt-report")]
[Immutable]
public sealed class AttemptReport
{
    /// <summary>The attempt token from the <see cref="JobAssignment"/>.</summary>
    [Id(0)] public string AttemptId { get; set; } = "";

    /// <summary>The worker that ran it.</summary>
    [Id(1)] public string WorkerId { get; set; } = "";

    /// <summary>True when the program returned and its output is stored.</summary>
    [Id(2)] public bool Succeeded { get; set; }

    /// <summary>Why it failed (<see cref="FailureReason.None"/> on success).</summary>
    [Id(3)] public FailureReason FailureReason { get; set; }

    /// <summary>Error text, e.g. "timed out after 200 ms".</summary>
    [Id(4)] public string? Error { get; set; }

    /// <summary>Fuel consumed.</summary>
    [Id(5)] public long FuelConsumed { get; set; }

    /// <summary>The output blob (null for an empty output or a failure).</summary>
    [Id(6)] public string? OutputBlobId { get; set; }

    /// <summary>Output size, bytes.</summary>
    [Id(7)] public long OutputSize { get; set; }

    /// <summary>The program's state root after the run, 64 hex.</summary>
    [Id(8)] public string? StateRoot { get; set; }

    /// <summary>The program's log lines (size-limited by the runner).</summary>
    [Id(9)] public List<JobLogEntry> Logs { get; set; } = [];

    /// <summary>Wall-clock duration of the run, ms.</summary>
    [Id(10)] public double DurationMs { get; set; }

    /// <summary>True when the failure is transient although its reason is usually final (e.g. the program's state
    /// kept changing under it): the job retries it like a timeout.</summary>
    [Id(11)] public bool Retriable { get; set; }

    /// <summary>The run's receipt signed by the worker (null for an ending that gets no receipt: see
    /// <see cref="ReceiptOutcome"/>). The job checks it against the attempt and the worker's registered key.</summary>
    [Id(12)] public SignedExecutionReceipt? Receipt { get; set; }

    /// <summary>True when the attempt failed because another part of the cluster could not be reached (a silo that
    /// left, the database away) while the worker read the input or stored the output: neither the worker's nor the
    /// job's doing: the worker's reputation does not count it, and a job that has not retried before retries without
    /// a backoff.</summary>
    [Id(13)] public bool ClusterFault { get; set; }
}
