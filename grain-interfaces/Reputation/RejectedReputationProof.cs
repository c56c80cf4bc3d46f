namespace Marketplace.GrainInterfaces;

/// <summary>A file <see cref="ReputationProofs.Collect"/> did not take as proof, and why.</summary>
/// <param name="Name">The file's name as given.</param>
/// <param name="Reason">Stable snake_case reason: <c>unknown_kind</c>, <c>malformed</c>,
/// <c>unknown_key</c>, or the failure of the receipt or evidence check (e.g. <c>bad_signature</c>,
/// <c>wrong_epoch</c>, <c>bad_batch_proof</c>).</param>
/// <param name="Detail">One line for a reader.</param>
public sealed record RejectedReputationProof(string Name, string Reason, string Detail);
