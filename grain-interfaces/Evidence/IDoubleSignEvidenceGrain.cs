namespace Marketplace.GrainInterfaces;

/// <summary>
/// One piece of double-sign evidence (key = its evidence hash, lowercase hex, <see cref="DoubleSignEvidence.Hash"/>):
/// checked once, kept, and the penalty it leads to applied once, however often it is submitted.
/// </summary>
public interface IDoubleSignEvidenceGrain : IGrainWithStringKey
{
    /// <summary>Checks <paramref name="evidence"/> offline (<see cref="DoubleSignEvidenceVerifier"/>), finds the
    /// registered worker whose key signed both receipts and applies the maximum penalty: a double-sign event on its
    /// reputation (score 0 and a long ban) and, while jobs are paid through the settlement, a slash of its whole stake.
    /// A second submission answers the first one's result with <see cref="EvidenceAcceptance.Repeated"/> set.
    /// Throws <see cref="EvidenceInvalidException"/> for evidence that does not verify or whose hash is not this
    /// grain's key, and when no registered worker holds the key.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<EvidenceAcceptance> SubmitAsync(DoubleSignEvidence evidence);
}
