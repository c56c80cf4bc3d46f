using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>A job's verification as its grain stores it.</summary>
[GenerateSerializer]
[Alias("marketplace.job-verification-state")]
internal sealed class JobVerificationState
{
    /// <summary>What the job handed over; null when nothing is stored.</summary>
    [Id(0)] public VerificationStart? Start { get; set; }

    /// <summary>The committee: draw, seats, results, evidence.</summary>
    [Id(1)] public CommitteeRecord Committee { get; set; } = new();

    /// <summary>Every log line written, for the job's history.</summary>
    [Id(2)] public List<JobLogEntry> Logs { get; set; } = [];

    /// <summary>The verdict once there is one.</summary>
    [Id(3)] public VerificationVerdict? Verdict { get; set; }
}
