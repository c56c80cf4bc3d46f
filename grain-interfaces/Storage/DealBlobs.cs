namespace Marketplace.GrainInterfaces;

/// <summary>Finds the storage deal through which a client reads a blob id that the chunk store does not serve it:
/// the blob API's reads and a job's input both go through <see cref="FindReadableAsync"/>.</summary>
public static class DealBlobs
{
    /// <summary>The deal storing <paramref name="blobId"/> that <paramref name="clientId"/> may read: its own newest
    /// such deal first, then a deal another client shared with it or published; null when there is none (or none whose
    /// bytes are stored).</summary>
    public static async Task<DealStatus?> FindReadableAsync(IGrainFactory grains, string clientId, string blobId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (await grains.GetGrain<IClientDealsGrain>(clientId).FindByBlobAsync(blobId) is { } ownId
            && await grains.GetGrain<IStorageDealGrain>(ownId).FindReadableAsync(clientId) is { } own
            && own.BlobId == blobId)
        {
            return own;
        }

        // Every listed deal is asked at once; the oldest that lets the client read it wins.
        var listed = await grains.GetGrain<ISharedDealsGrain>(blobId).ListAsync();
        if (listed.Count == 0)
        {
            return null;
        }

        var answers = new Task<DealStatus?>[listed.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] = grains.GetGrain<IStorageDealGrain>(listed[i]).FindReadableAsync(clientId);
        }

        await Task.WhenAll(answers);
        foreach (var answer in answers)
        {
            if (answer.Result is { } shared && shared.BlobId == blobId)
            {
                return shared;
            }
        }

        return null;
    }

    /// <summary>Applies an access change (or read) to chunk-store blob <paramref name="blobId"/> as
    /// <paramref name="caller"/>; when the chunk store answers "not stored" and the caller owns a live deal storing that
    /// blob, applies it to the deal's access list instead. The HTTP API and the grain client both go through here.</summary>
    /// <exception cref="BlobNotFoundException">Neither a blob the caller owns nor a deal of the caller's stores it.</exception>
    public static async Task<BlobAccessList> ChangeAccessAsync(
        IGrainFactory grains,
        BlobCaller caller,
        string blobId,
        Func<IBlobGrain, BlobCaller, Task<BlobAccessList>> onBlob,
        Func<IStorageDealGrain, string, Task<BlobAccessList>> onDeal)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(onBlob);
        ArgumentNullException.ThrowIfNull(onDeal);
        try
        {
            return await onBlob(grains.GetGrain<IBlobGrain>(blobId), caller).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            if (caller.ClientId is { } client
                && await grains.GetGrain<IClientDealsGrain>(client).FindByBlobAsync(blobId).ConfigureAwait(false) is { } dealId)
            {
                // The deal's own owner-only calls decide: another client's deal, or one ended or still placing,
                // answers as the blob that is not stored.
                try
                {
                    return await onDeal(grains.GetGrain<IStorageDealGrain>(dealId), client).ConfigureAwait(false);
                }
                catch (DealNotFoundException)
                {
                    // Not the caller's live deal: the blob API's own answer below.
                }
            }

            throw;
        }
    }
}
