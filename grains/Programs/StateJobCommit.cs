namespace Marketplace.Grains.Programs;

/// <summary>A job whose writes a program's state committed, remembered so that no other attempt of the job commits.</summary>
[GenerateSerializer]
[Alias("marketplace.program-state-job-commit")]
internal sealed class StateJobCommit
{
    /// <summary>The job.</summary>
    [Id(0)]
    public string JobId { get; set; } = "";

    /// <summary>When the job was created.</summary>
    [Id(1)]
    public DateTimeOffset JobCreatedAt { get; set; }

    /// <summary>The version the commit made.</summary>
    [Id(2)]
    public long Version { get; set; }

    /// <summary>When the commit was made.</summary>
    [Id(3)]
    public DateTimeOffset CommittedAt { get; set; }
}
