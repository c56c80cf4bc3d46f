namespace Marketplace.GrainInterfaces;

/// <summary>
/// A storage deal (key: the deal id): a blob erasure-coded under a <see cref="DurabilityPolicy"/> and kept by
/// distinct storage providers, audited, repaired and read back. grains/Storage/README.md has the whole story.
/// </summary>
public interface IStorageDealGrain : IGrainWithStringKey
{
    /// <summary>Encodes <paramref name="content"/>, places its k + m fragments on distinct providers (distinct silos
    /// first), stores them and records the placement. Calling again with the same client and content returns the
    /// deal as it is.</summary>
    /// <remarks>The deal lasts <c>duration</c> from its creation (<see cref="StorageDeals.MinDuration"/> to
    /// <see cref="StorageDeals.MaxDuration"/>); then it ends and its fragments are deleted.</remarks>
    /// <exception cref="InvalidRequestException">A bad policy or duration, an empty blob or a price below zero.</exception>
    /// <exception cref="DealNotPlacedException">Too few eligible providers; the message says why each was refused.</exception>
    /// <exception cref="AccessDeniedException">The id is another client's deal.</exception>
    Task<DealStatus> CreateAsync(string clientId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, [Immutable] byte[] content);

    /// <summary>The deal, with its fragments' health.</summary>
    /// <exception cref="DealNotFoundException">No such deal, or another client's.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<DealStatus> GetStatusAsync(string clientId);

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="offset"/> (a length of -1 reads to the end):
    /// fragments are fetched from their providers at once, the first k that match their digests are decoded, the
    /// others are cancelled.</summary>
    /// <exception cref="StorageUnavailableException">Fewer than k fragments could be fetched and verified.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<byte[]> ReadAsync(string clientId, long offset, long length);

    /// <summary>Ends the deal now, at its owner's request, as its term's end would: the periods begun are settled (the
    /// one under way paid to the providers whose fragments passed their last audit), every fragment is deleted from
    /// its provider and the deal is recorded as ended. Idempotent: an ended deal is returned as it is. A deal still
    /// being placed (an upload under way or abandoned) ends the same way, and an upload under way then fails.</summary>
    /// <exception cref="DealNotFoundException">No such deal, or another client's.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<DealStatus> DeleteAsync(string clientId);

    /// <summary>Runs an audit round now: each fragment's provider is challenged for a random chunk and its proof;
    /// health is updated and, when the healthy count falls below the threshold, a repair follows. Returns the
    /// deal after it.</summary>
    Task<DealStatus> AuditAsync();

    /// <summary>Rebuilds every fragment not healthy from k healthy ones onto providers that hold none of this
    /// deal's fragments (idempotent: a finished repair does nothing).</summary>
    /// <exception cref="StorageUnavailableException">Fewer than k healthy fragments.</exception>
    Task<DealStatus> RepairAsync();

    /// <summary>Starts a deal for <paramref name="length"/> bytes that arrive as a stream: places its k + m fragments,
    /// escrows the first period and records the placement (state <see cref="DealState.Placing"/>, no digests yet).
    /// The caller then writes the fragments to their providers in pieces and calls <see cref="CompleteAsync"/>. A deal
    /// of this client already stored is returned as it is (the caller compares <see cref="DealStatus.ContentSha256"/>);
    /// one still placing is placed again.</summary>
    /// <exception cref="InvalidRequestException">A bad policy, length or duration, or a price below zero.</exception>
    /// <exception cref="DealNotPlacedException">Too few eligible providers.</exception>
    /// <exception cref="AccessDeniedException">The id is another client's deal.</exception>
    Task<DealStatus> BeginAsync(string clientId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, long length);

    /// <summary>The deal when <paramref name="clientId"/> may read it (its owner, a client it is shared with, or anyone
    /// once it is public) and its bytes are stored (not placing, not ended); null otherwise, whichever the reason.</summary>
    /// <remarks>For the silo (the blob API's reads, a job's input); not callable by clients, as it answers grantees
    /// with the owner's whole deal.</remarks>
    [Orleans.Concurrency.ReadOnly]
    Task<DealStatus?> FindReadableAsync(string clientId);

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="offset"/> (at most
    /// <see cref="StorageDeals.MaxSiloReadBytes"/>) with the silo's authority: a job's input, whose client was checked
    /// when it named the deal's blob. Not callable by clients.</summary>
    /// <exception cref="DealNotFoundException">No such deal, or it ended.</exception>
    /// <exception cref="StorageUnavailableException">Fewer than k fragments could be fetched and verified.</exception>
    Task<byte[]> ReadForSiloAsync(long offset, int length);

    /// <summary>Whether the deal keeps fragment <paramref name="index"/> with provider <paramref name="providerId"/>:
    /// placed there or being repaired onto it, and the deal not ended. A provider asks at start for every fragment it
    /// holds and deletes the ones no deal keeps with it. Not callable by clients.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<bool> KeepsFragmentAsync(string providerId, int index);

    /// <summary>Who may read the deal's blob besides its owner, as the owner <paramref name="clientId"/> sees it.</summary>
    /// <exception cref="DealNotFoundException">No such deal, another client's, or ended.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> GetAccessAsync(string clientId);

    /// <summary>Lets <paramref name="granteeId"/> read the deal's blob (through the blob API and as a job's input).
    /// Idempotent.</summary>
    /// <exception cref="DealNotFoundException">No such deal, another client's, or ended.</exception>
    /// <exception cref="BlobAccessListFullException">The deal already grants the most clients it may.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> ShareAsync(string clientId, string granteeId);

    /// <summary>Revokes what <see cref="ShareAsync"/> granted <paramref name="granteeId"/>. Idempotent.</summary>
    /// <exception cref="DealNotFoundException">No such deal, another client's, or ended.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> UnshareAsync(string clientId, string granteeId);

    /// <summary>Makes the deal's blob readable by every API key (<paramref name="value"/> true) or again only by its
    /// owner and grantees. Idempotent.</summary>
    /// <exception cref="DealNotFoundException">No such deal, another client's, or ended.</exception>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> SetPublicAsync(string clientId, bool value);

    /// <summary>Records the digests of the fragments written since <see cref="BeginAsync"/> and makes the deal
    /// active (audited from then on).</summary>
    /// <exception cref="InvalidRequestException">The deal is not placing, or the digests do not fit it.</exception>
    Task<DealStatus> CompleteAsync(string clientId, DealContent content);
}
