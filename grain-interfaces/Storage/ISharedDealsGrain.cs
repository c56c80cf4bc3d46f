namespace Marketplace.GrainInterfaces;

/// <summary>The deals storing one blob that their owners let other clients read (key: the blob id): where the blob
/// API and job submission look for a deal's blob that is not the caller's own. Each deal keeps its own access list;
/// this index only says which deals to ask.</summary>
public interface ISharedDealsGrain : IGrainWithStringKey
{
    /// <summary>The most deals one blob id lists: 256.</summary>
    public const int MaxDeals = 256;

    /// <summary>Lists <paramref name="dealId"/> (idempotent).</summary>
    /// <exception cref="BlobAccessListFullException">The blob already lists <see cref="MaxDeals"/> deals.</exception>
    Task AddAsync(string dealId);

    /// <summary>Drops <paramref name="dealId"/> (idempotent).</summary>
    Task RemoveAsync(string dealId);

    /// <summary>The deals listed, oldest first.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}
