using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>A client's jobs, oldest first, bounded by <see cref="JobsOptions.MaxClientJobs"/>, each with its list
/// position (a sequence number that only grows, so listing cursors survive trims).</summary>
[GenerateSerializer]
[Alias("marketplace.client-jobs-state")]
internal sealed class ClientJobsState
{
    /// <summary>The summaries, oldest first.</summary>
    [Id(0)] public List<JobSummary> Jobs { get; set; } = [];

    /// <summary>Fuel the client's finished jobs burned in the last hour.</summary>
    [Id(1)] public FuelHourWindow FuelWindow { get; set; } = new();

    /// <summary>The list position of each job, parallel to <see cref="Jobs"/> and ascending. Empty in records of
    /// earlier versions, which get positions 1..n on activation.</summary>
    [Id(2)] public List<long> Sequences { get; set; } = [];

    /// <summary>The position the next new job gets.</summary>
    [Id(3)] public long NextSequence { get; set; } = 1;
}
