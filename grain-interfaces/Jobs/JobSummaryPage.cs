namespace Marketplace.GrainInterfaces;

/// <summary>One page of a client's jobs, newest first (<see cref="IClientJobsGrain.ListAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.job-summary-page")]
public sealed class JobSummaryPage
{
    /// <summary>The jobs.</summary>
    [Id(0)] public List<JobSummary> Jobs { get; set; } = [];

    /// <summary>The list position of the last job returned when more jobs follow (pass it as the next call's
    /// <c>before</c>); null on the last page.</summary>
    [Id(1)] public long? Next { get; set; }
}
