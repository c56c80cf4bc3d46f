namespace Marketplace.GrainInterfaces;

/// <summary>The reputation events of one worker that a set of files proves (<see cref="ReputationProofs.Collect"/>),
/// with the files that proved nothing about it.</summary>
public sealed class ProvenReputation
{
    /// <summary>The worker the events are about.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The registry epoch the signers' keys were checked against.</summary>
    public required long RegistryEpoch { get; init; }

    /// <summary>The proven events, one per event id, ordered by time and then id; each carries the hash of the
    /// receipt or evidence that proves it.</summary>
    public required IReadOnlyList<ReputationEvent> Events { get; init; }

    /// <summary>Files that did not check, in the order given.</summary>
    public required IReadOnlyList<RejectedReputationProof> Rejected { get; init; }

    /// <summary>Files that checked or were not needed but say nothing about this worker.</summary>
    public required int Unrelated { get; init; }

    /// <summary>The score these events alone give at <paramref name="at"/> under <paramref name="parameters"/>: no
    /// checkpoint, nothing on the silo's word (<see cref="ReputationScore.Of"/>).</summary>
    public double ScoreAt(ReputationScoreParameters parameters, DateTimeOffset at) => ReputationScore.Of(parameters, null, Events, at);
}
