using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One program name of the catalog (key = the normalized name, <see cref="ProgramNames.Normalize"/>): its versions,
/// its owner (the address that first deployed under it) and the delegates the owner signed for. Versions are ordered
/// by name (ordinal) then semantic version; <c>latest</c> is the highest. The catalog's index of names is
/// <see cref="IProgramCatalogGrain"/>.
/// </summary>
public interface IProgramNameGrain : IGrainWithStringKey
{
    /// <summary>Records a deployed version (called by <see cref="IProgramGrain"/>). The first version makes its
    /// deployer the owner; later ones must be deployed by the owner or a delegate, and <c>name@version</c> must be
    /// new. Throws <see cref="ProgramRejectedException"/> otherwise. Recording the same program again changes
    /// nothing.</summary>
    Task RegisterAsync(ProgramInfo program);

    /// <summary>The version <paramref name="version"/> (or <c>latest</c>) of the programs deployed exactly as
    /// <paramref name="name"/> (letter case included). Throws <see cref="ProgramNotFoundException"/>.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<ProgramInfo> ResolveAsync(string name, string version);

    /// <summary>Up to <paramref name="limit"/> versions (1 to <see cref="PageLimits.Max"/> + 1) in catalog order,
    /// starting after the version <paramref name="afterVersion"/> of <paramref name="afterName"/> (both null: from the
    /// first). Throws <see cref="InvalidRequestException"/> naming <c>cursor</c> when the position is not a name and a
    /// semantic version.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<List<ProgramInfo>> ListVersionsAsync(string? afterName, string? afterVersion, int limit);

    /// <summary>Owner, delegates and version count; null when nothing is deployed under the name.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<ProgramNameInfo?> GetAsync();

    /// <summary>
    /// Records a signed grant or revocation (<see cref="ProgramDelegations"/>) and returns the name's new info.
    /// Throws <see cref="ProgramNotFoundException"/> when nothing is deployed under the name,
    /// <see cref="ProgramRejectedException"/> for a malformed or forged signature or a nonce not above the last one,
    /// <see cref="AccessDeniedException"/> when the signer is not the owner, <see cref="InvalidRequestException"/>
    /// for a malformed delegate address or a delegation to the owner.
    /// </summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<ProgramNameInfo> DelegateAsync(ProgramDelegation delegation);
}
