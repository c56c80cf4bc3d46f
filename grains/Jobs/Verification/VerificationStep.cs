using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>Where a job's verification stands after a call: the log lines the job has not taken yet, the next
/// deadline, and the verdict once there is one.</summary>
[GenerateSerializer]
[Alias("marketplace.verification-step")]
[Immutable]
internal sealed class VerificationStep
{
    /// <summary>The log lines from the index the job gave (its <c>logsTaken</c>) to <see cref="LogCount"/>.</summary>
    [Id(0)] public List<JobLogEntry> Logs { get; set; } = [];

    /// <summary>How many lines the verification has written in all: the job's next <c>logsTaken</c>.</summary>
    [Id(1)] public int LogCount { get; set; }

    /// <summary>The earliest deadline of a pending member; null once there is a verdict.</summary>
    [Id(2)] public DateTimeOffset? Deadline { get; set; }

    /// <summary>The verdict, once the verification ended.</summary>
    [Id(3)] public VerificationVerdict? Verdict { get; set; }

    /// <summary>True when no verification is stored under the job (never started, or its start was lost).</summary>
    [Id(4)] public bool Unknown { get; set; }
}

/// <summary>How a verification ended.</summary>
internal enum VerificationEnd
{
    /// <summary>No member could be drawn: nothing was started and the run completes unverified.</summary>
    NotDrawn = 0,

    /// <summary>A result won; <see cref="VerificationVerdict.Aggregated"/> is its receipt.</summary>
    Settled = 1,

    /// <summary>No result won the majority it needs: the job fails as disputed.</summary>
    Disputed = 2,

    /// <summary>No member answered with a run of its own: the run completes on the executor's word.</summary>
    Unverified = 3,
}

/// <summary>A verification's verdict, everything the job needs to finish and to tell reputation and payment.</summary>
[GenerateSerializer]
[Alias("marketplace.verification-verdict")]
internal sealed class VerificationVerdict
{
    [Id(0)] public VerificationEnd End { get; set; }

    /// <summary>The job's verification as it should show (the sample draw's fields are the job's to fill in).</summary>
    [Id(1)] public JobVerification Verification { get; set; } = new();

    /// <summary>The settled receipt (settled only).</summary>
    [Id(2)] public AggregatedReceipt? Aggregated { get; set; }

    /// <summary>The winning result's representative receipt (settled only).</summary>
    [Id(3)] public SignedExecutionReceipt? Representative { get; set; }

    /// <summary>True when the executor's result lost: the job's output becomes the winner's.</summary>
    [Id(4)] public bool ExecutorLost { get; set; }

    [Id(5)] public string? OutputBlobId { get; set; }

    [Id(6)] public long OutputSize { get; set; }

    /// <summary>Who stood by the settled result, who lost against it, who did not answer.</summary>
    [Id(7)] public List<string> Winners { get; set; } = [];

    [Id(8)] public List<string> Losers { get; set; } = [];

    [Id(9)] public List<string> Unavailable { get; set; } = [];

    /// <summary>Losers' signed claims against the settled receipt.</summary>
    [Id(10)] public List<CommitteeEvidence> Evidence { get; set; } = [];

    /// <summary>Why it is disputed or unverified, or why nothing was drawn.</summary>
    [Id(11)] public string? Reason { get; set; }

    /// <summary>The outcome as reputation and payment are told.</summary>
    public CommitteeOutcome Outcome => new(End == VerificationEnd.Settled, Winners, Losers, Unavailable);
}
