using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>A client's jobs, oldest first, bounded by <see cref="JobsOptions.MaxClientJobs"/>.</summary>
[GenerateSerializer]
[Alias("marketplace.client-jobs-state")]
internal sealed class ClientJobsState
{
    /// <summary>The summaries, oldest first.</summary>
    [Id(0)] public List<JobSummary> Jobs { get; set; } = [];

    /// <summary>Fuel the client's finished jobs burned in the last hour.</summary>
    [Id(1)] public FuelHourWindow FuelWindow { get; set; } = new();
}
