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

    /// <summary>Why the job is unverified, disputed or short of its committee, e.g. "no other online worker with a
    /// registered key".</summary>
    [Id(6)] public string? Note { get; set; }

    /// <summary>1 in how many runs of the job a committee re-executes (<see cref="CommitteeSample"/>): the silo's
    /// <c>Marketplace:Jobs:CommitteeSampleEvery</c> for a job that named no committee size, 1 (every run) for one that
    /// did.</summary>
    [Id(7)] public int SampleEvery { get; set; }

    /// <summary>Whether the run was drawn for a committee (always, at a rate of 1).</summary>
    [Id(8)] public bool Sampled { get; set; }

    /// <summary>The job's sample salt (hex), shown once its run was drawn or passed over: with the executor's receipt
    /// hash it recomputes the draw (<see cref="CommitteeSample.IsSampled"/>), and its SHA-256 is the commitment the job's
    /// log showed from submit. Null at a rate of 1.</summary>
    [Id(9)] public string? SampleSalt { get; set; }

    /// <summary>Verified, but by fewer re-executions than <see cref="CommitteeSize"/> asked for: fewer runs beside
    /// the settled receipt's own agree with it (members unavailable, rejected or outvoted, or too few workers online),
    /// as <see cref="Note"/> says. The aggregated receipt's signers show it too: a verifier that requires the whole
    /// committee asks for <see cref="CommitteeSize"/> + 1 signers (<c>verify-receipt --min-signers</c>).</summary>
    [Id(10)] public bool Short { get; set; }
}
