namespace Marketplace.GrainInterfaces;

/// <summary>How many events of each kind a worker has had, over its whole history (folded events included).</summary>
[GenerateSerializer]
[Alias("marketplace.reputation-counts")]
public sealed class ReputationCounts
{
    /// <summary>Successes.</summary>
    [Id(0)] public long Successes { get; set; }

    /// <summary>Failures on the worker's side.</summary>
    [Id(1)] public long Failures { get; set; }

    /// <summary>Lost attempts.</summary>
    [Id(2)] public long Timeouts { get; set; }

    /// <summary>Times the worker was unavailable.</summary>
    [Id(3)] public long Unavailable { get; set; }

    /// <summary>Results confirmed by verification.</summary>
    [Id(4)] public long VerifiedResults { get; set; }

    /// <summary>Results proven wrong or disputed.</summary>
    [Id(5)] public long WrongResults { get; set; }

    /// <summary>Double signs.</summary>
    [Id(6)] public long DoubleSigns { get; set; }

    /// <summary>Counts one more <paramref name="kind"/>.</summary>
    public void Add(ReputationEventKind kind)
    {
        switch (kind)
        {
            case ReputationEventKind.Success: Successes++; break;
            case ReputationEventKind.Failure: Failures++; break;
            case ReputationEventKind.Timeout: Timeouts++; break;
            case ReputationEventKind.Unavailable: Unavailable++; break;
            case ReputationEventKind.VerifiedResult: VerifiedResults++; break;
            case ReputationEventKind.WrongResult: WrongResults++; break;
            case ReputationEventKind.DoubleSign: DoubleSigns++; break;
        }
    }

    /// <summary>A copy.</summary>
    public ReputationCounts Clone() => (ReputationCounts)MemberwiseClone();
}
