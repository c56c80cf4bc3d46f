namespace Marketplace.GrainInterfaces;

/// <summary>
/// One streamed upload of a storage deal through grain calls (key: the deal id, so a deal has one upload at a time):
/// what <c>POST /v1/deals</c> does with a request body, for clients that speak to the cluster through a gateway.
/// The bytes arrive in pieces, in order, and are encoded and written to the providers as they come, so neither the
/// client nor the silo holds the blob. grains/Storage/README.md ("Through the gateway") has the whole story.
/// </summary>
/// <remarks>The upload lives in the grain's activation only. If the activation goes (its silo stops, or it is
/// collected after the client went quiet) the providers' partial writes are dropped and the deal stays
/// <see cref="DealState.Placing"/>, as after an aborted HTTP upload: a new <see cref="BeginAsync"/> places it afresh,
/// and a <see cref="WriteAsync"/> or <see cref="CompleteAsync"/> without one is <see cref="InvalidRequestException"/>.</remarks>
public interface IDealUploadGrain : IGrainWithStringKey
{
    /// <summary>Starts the upload of <paramref name="length"/> bytes: calls <see cref="IStorageDealGrain.BeginAsync"/>
    /// (placement, the first period escrowed) and returns its answer. A deal of this client already stored is returned
    /// as it is; the bytes written then are read and compared with it, and <see cref="CompleteAsync"/> answers as a
    /// repeated <c>POST /v1/deals</c> does. An upload of this deal already under way is dropped first.</summary>
    /// <exception cref="InvalidRequestException">A bad policy, length or duration, or a price below zero.</exception>
    /// <exception cref="DealNotPlacedException">Too few eligible providers.</exception>
    /// <exception cref="AccessDeniedException">The id is another client's deal.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<DealStatus> BeginAsync(string clientId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, long length);

    /// <summary>Takes the bytes at <paramref name="offset"/> (1 to <see cref="StorageDeals.MaxUploadPieceBytes"/> of
    /// them). Pieces come in order; the last piece again (its offset and length) is taken as a retry and ignored.
    /// Returns once the piece is queued for the providers; while they lag behind, it waits (at most
    /// <c>Marketplace:Storage:ProviderTimeout</c>), so the silo holds a few pieces, never the blob.</summary>
    /// <exception cref="InvalidRequestException">No upload under way, a piece out of order (the message names the
    /// expected and the given offsets), empty, too large, or past the length begun with.</exception>
    /// <exception cref="AccessDeniedException">Another client's upload.</exception>
    /// <exception cref="StorageUnavailableException">The providers failed or took nothing within the timeout; the
    /// upload is dropped.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task WriteAsync(string clientId, long offset, [Immutable] byte[] piece);

    /// <summary>Ends the upload: waits for the last fragments to be committed, then calls
    /// <see cref="IStorageDealGrain.CompleteAsync"/> and returns the active deal.</summary>
    /// <exception cref="InvalidRequestException">No upload under way, fewer bytes than begun with (the deal stays
    /// placing, nothing kept at the providers), or other bytes under a stored deal's id.</exception>
    /// <exception cref="AccessDeniedException">Another client's upload.</exception>
    /// <exception cref="StorageUnavailableException">The providers failed or did not finish within the timeout.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<DealStatus> CompleteAsync(string clientId);

    /// <summary>Drops the upload under way, if any, as an aborted <c>POST /v1/deals</c> is dropped: the providers'
    /// partial writes go, and the deal stays placing. Idempotent.</summary>
    /// <exception cref="AccessDeniedException">Another client's upload.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task AbortAsync(string clientId);
}
