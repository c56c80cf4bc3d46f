namespace Marketplace.Silo.Api;

/// <summary>The state type the readiness probe reads from the grain storage (never written; the read finds no
/// row).</summary>
[GenerateSerializer]
[Alias("Marketplace.Silo.ReadinessProbeState")]
internal sealed class ReadinessProbeState
{
    /// <summary>Unused: the probe only asks the storage to answer.</summary>
    [Id(0)]
    public int Version { get; set; }
}
