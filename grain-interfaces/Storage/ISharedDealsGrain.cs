namespace Marketplace.GrainInterfaces;

/// <summary>The deals storing one blob that their owners let other clients read (key: the blob id): where the blob
/// API and job submission look for a deal's blob that is not the caller's own. Each deal keeps its own access list;
/// this index only says which deals to ask.</summary>
public interface ISharedDealsGrain : IGrainWithStringKey
{
    /// <summary>The most deals one blob id lists: 64.</summary>
    public const int MaxDeals = 64;

    /// <summary>The most deals of one client one blob id lists: 4 (so one client cannot fill the list).</summary>
    public const int MaxDealsPerClient = 4;

    /// <summary>Lists <paramref name="dealId"/> of client <paramref name="clientId"/> (idempotent).</summary>
    /// <exception cref="BlobAccessListFullException">The blob already lists <see cref="MaxDeals"/> deals, or
    /// <see cref="MaxDealsPerClient"/> of that client.</exception>
    Task AddAsync(string dealId, string clientId);

    /// <summary>Drops <paramref name="dealId"/> (idempotent).</summary>
    Task RemoveAsync(string dealId);

    /// <summary>The deals listed, oldest first.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}
