namespace Marketplace.GrainInterfaces;

/// <summary>
/// One piece of storage fault evidence (key = its evidence hash, lowercase hex, <see cref="StorageFaultEvidence.Hash"/>):
/// checked once, kept, and its penalty applied once, however often it is submitted.
/// </summary>
public interface IStorageFaultEvidenceGrain : IGrainWithStringKey
{
    /// <summary>Checks <paramref name="evidence"/> offline, checks that the commitment's key is one the provider
    /// registered, and penalises the provider: a <see cref="ReputationEventKind.WrongResult"/> on its reputation (event
    /// id <c>evidence/{hash}</c>) and, while the settlement is enabled, a <see cref="SlashReason.WrongResult"/> slash
    /// of its stake. A second submission answers the first one's result with
    /// <see cref="StorageFaultAcceptance.Repeated"/> set.</summary>
    /// <exception cref="EvidenceInvalidException">The evidence does not verify, its hash is not this grain's key, or
    /// the key is not the provider's.</exception>
    Task<StorageFaultAcceptance> SubmitAsync(StorageFaultEvidence evidence);
}
