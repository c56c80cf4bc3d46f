namespace Marketplace.GrainInterfaces;

/// <summary>A client's storage deals (key: the client id), oldest first, the newest 10,000 kept.</summary>
public interface IClientDealsGrain : IGrainWithStringKey
{
    /// <summary>Records a deal of this client as open (placing or active; idempotent): throws
    /// <see cref="QuotaExceededException"/> instead when the client has <paramref name="maxOpen"/> other deals open.</summary>
    Task OpenAsync(string dealId, int maxOpen);

    /// <summary>Records that deal <paramref name="dealId"/> ended: it no longer counts as open (idempotent). With
    /// <paramref name="unlist"/> (a deal that was refused before it existed) it leaves the client's list too.</summary>
    Task ClosedAsync(string dealId, bool unlist);

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
