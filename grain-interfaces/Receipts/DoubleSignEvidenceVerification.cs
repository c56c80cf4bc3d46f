namespace Marketplace.GrainInterfaces;

/// <summary>The result of <see cref="DoubleSignEvidenceVerifier.Verify"/>: valid with the evidence hash, or what failed and why.</summary>
/// <param name="Failure">What failed (<see cref="DoubleSignEvidenceFailure.None"/> when valid).</param>
/// <param name="Detail">One line saying why; empty when valid.</param>
/// <param name="EvidenceHash">The evidence hash (<see cref="DoubleSignEvidence.Hash"/>) when valid; empty otherwise.</param>
public sealed record DoubleSignEvidenceVerification(DoubleSignEvidenceFailure Failure, string Detail, byte[] EvidenceHash)
{
    /// <summary>True when nothing failed.</summary>
    public bool IsValid => Failure == DoubleSignEvidenceFailure.None;
}
