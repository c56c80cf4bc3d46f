using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The catalog's index of program names (one grain, key <see cref="DefaultKey"/>): the normalized names in ordinal
/// order, so the catalog can be listed page by page. Each name's versions, owner and delegates live in its own
/// <see cref="IProgramNameGrain"/>; references resolve there (<see cref="ProgramReferences"/>), not here.
/// </summary>
public interface IProgramCatalogGrain : IGrainWithStringKey
{
    /// <summary>The key of the catalog grain.</summary>
    const string DefaultKey = "default";

    /// <summary>Adds a normalized name (called by <see cref="IProgramGrain"/> before a deploy registers with the name's
    /// grain); a known name changes nothing. Throws <see cref="InvalidRequestException"/> for a name that is not
    /// normalized.</summary>
    Task AddNameAsync(string name);

    /// <summary>Up to <paramref name="limit"/> names (1 to <see cref="PageLimits.Max"/> + 1) in ordinal order,
    /// starting after <paramref name="after"/> (null: from the first).</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<List<string>> ListNamesAsync(string? after, int limit);
}
