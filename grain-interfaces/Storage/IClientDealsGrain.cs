namespace Marketplace.GrainInterfaces;

/// <summary>A client's storage deals (key: the client id), oldest first, the newest 10,000 kept.</summary>
public interface IClientDealsGrain : IGrainWithStringKey
{
    /// <summary>Records a deal of this client (idempotent).</summary>
    Task AddAsync(string dealId);

    /// <summary>Records that deal <paramref name="dealId"/> stores the blob <paramref name="blobId"/> (the newest
    /// such deal wins).</summary>
    Task IndexBlobAsync(string blobId, string dealId);

    /// <summary>The newest of this client's deals that stores blob <paramref name="blobId"/>, or null.</summary>
    [Orleans.Concurrency.ReadOnly]
    [ClientCallable(ClientCallScope.GrainKey)]
    Task<string?> FindByBlobAsync(string blobId);

    /// <summary>The newest <paramref name="limit"/> deal ids (1-100), newest first.</summary>
    [Orleans.Concurrency.ReadOnly]
    [ClientCallable(ClientCallScope.GrainKey)]
    Task<IReadOnlyList<string>> ListAsync(int limit);
}

/// <summary>A client's deals (<c>GET /v1/deals</c>), newest first.</summary>
[GenerateSerializer]
[Alias("marketplace.deal-list")]
public sealed class DealList
{
    /// <summary>The deals.</summary>
    [Id(0)] public List<DealStatus> Deals { get; set; } = [];
}
