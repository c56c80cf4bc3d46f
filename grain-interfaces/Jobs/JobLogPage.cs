namespace Marketplace.GrainInterfaces;

/// <summary>One page of a job's log lines, oldest first (<see cref="IJobGrain.GetLogsAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.job-log-page")]
public sealed class JobLogPage
{
    /// <summary>The lines.</summary>
    [Id(0)] public List<JobLogEntry> Logs { get; set; } = [];

    /// <summary>The sequence number of the last line returned when more lines follow (pass it as the next call's
    /// <c>after</c>); null on the last page.</summary>
    [Id(1)] public long? Next { get; set; }
}
