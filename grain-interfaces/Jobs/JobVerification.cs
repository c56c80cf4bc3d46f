namespace Marketplace.GrainInterfaces;

/// <summary>Where a job's result stands with its committee (<see cref="JobVerification.State"/>).</summary>
public enum VerificationState
{
    /// <summary>No committee re-executed the run: asked for none, no other worker was online, or the run changed the
    /// program's state. The receipt is the executor's claim only.</summary>
    Unverified = 0,

    /// <summary>The committee is re-executing the run.</summary>
    Verifying = 1,

    /// <summary>The committee settled on a result; the job's receipt is aggregated.</summary>
    Verified = 2,

    /// <summary>No result won a strict majority of the runs; the job failed as <see cref="FailureReason.Disputed"/>.</summary>
    Disputed = 3,
}

/// <summary>A short summary of a job's committee (<see cref="JobInfo.Verification"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.job-verification")]
public sealed class JobVerification
{
    /// <summary>Where the result stands.</summary>
    [Id(0)] public VerificationState State { get; set; }

    /// <summary>The committee size the job asked for (0: none).</summary>
    [Id(1)] public int CommitteeSize { get; set; }

    /// <summary>The workers whose signatures are in the aggregated receipt (executor first, then in draw order).</summary>
    [Id(2)] public List<string> Signers { get; set; } = [];

    /// <summary>How many distinct results (by result digest) the runs produced.</summary>
    [Id(3)] public int DistinctResults { get; set; }

    /// <summary>Members drawn that did not answer in time (replaced by the next worker in draw order).</summary>
    [Id(4)] public List<string> Unavailable { get; set; } = [];

    /// <summary>Workers whose result lost (their signed receipts are kept as evidence).</summary>
    [Id(5)] public List<string> Losers { get; set; } = [];

    /// <summary>Why the job is unverified or disputed, e.g. "no other online worker with a registered key".</summary>
    [Id(6)] public string? Note { get; set; }
}
