namespace Marketplace.GrainInterfaces;

/// <summary>Where a job is. Completed, Failed, Cancelled, TimedOut and Expired are terminal.</summary>
public enum JobStatus
{
    /// <summary>Accepted, waiting to be matched (also between retries).</summary>
    Pending = 0,

    /// <summary>Announced to workers; bids are being collected.</summary>
    Matching = 1,

    /// <summary>Assigned to a worker and executing.</summary>
    Running = 2,

    /// <summary>Finished successfully; output stored as a blob.</summary>
    Completed = 3,

    /// <summary>Finished unsuccessfully after its retries (see <see cref="FailureReason"/>).</summary>
    Failed = 4,

    /// <summary>Cancelled by its client.</summary>
    Cancelled = 5,

    /// <summary>The last attempt ran past its timeout and no retry remained.</summary>
    TimedOut = 6,

    /// <summary>Not started before its TTL passed.</summary>
    Expired = 7,
}

/// <summary>Why a job (or attempt) failed.</summary>
public enum FailureReason
{
    /// <summary>Not failed.</summary>
    None = 0,

    /// <summary>The program trapped or returned bad output.</summary>
    ExecutionError = 1,

    /// <summary>The fuel budget ran out.</summary>
    OutOfFuel = 2,

    /// <summary>The memory limit was hit.</summary>
    OutOfMemory = 3,

    /// <summary>The wall-clock limit was hit.</summary>
    Timeout = 4,

    /// <summary>The program is not runnable.</summary>
    InvalidProgram = 5,

    /// <summary>The program or an input blob does not exist.</summary>
    MissingDependency = 6,

    /// <summary>No worker is eligible (see <see cref="JobInfo.Ineligible"/>).</summary>
    NoEligibleWorker = 7,

    /// <summary>The worker disappeared or stopped answering.</summary>
    WorkerLost = 8,

    /// <summary>The program exceeded the sandbox's stack (deep or unbounded recursion); the error text carries
    /// Wasmtime's trap code and message. Not retried: the same program and input overflow again.</summary>
    StackOverflow = 9,

    /// <summary>The workers that ran the job disagreed on its result and no result won a strict majority of the runs
    /// within the allowed re-run rounds (see <see cref="JobInfo.Verification"/>). Not retried.</summary>
    Disputed = 10,

    /// <summary>A paid job whose escrow the settlement did not answer at submit (the job was accepted with its escrow
    /// pending) was refused it before matching: the client's available balance does not cover max fuel × max price.
    /// Nothing ran and nothing moved. Not retried.</summary>
    InsufficientFunds = 11,

    /// <summary>The run's output did not fit the client's stored-bytes quota (or its blob quota): the run committed
    /// nothing and no output was stored. Not retried; the client frees room (deletes blobs or deals) and submits
    /// again.</summary>
    QuotaExceeded = 12,
}
