namespace Marketplace.Persistence.PostgreSql.Tests.Grains;

/// <summary>The persistent state of <see cref="ProbeGrain"/>.</summary>
[GenerateSerializer]
[Alias("probe-state")]
public sealed class ProbeState
{
    /// <summary>How many times the grain was incremented.</summary>
    [Id(0)]
    public int Count { get; set; }
}
