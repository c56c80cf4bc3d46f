namespace Marketplace.GrainInterfaces;

/// <summary>
/// A storage provider (key: its id): keeps deals' fragments in its own directory under a quota and answers audits.
/// It lives on the silo that hosts it (configured under <c>Marketplace:Storage:Providers</c>); while no live silo
/// hosts it, every call fails with <see cref="StorageUnavailableException"/> and <see cref="GetInfoAsync"/> says
/// offline.
/// </summary>
public interface IStorageProviderGrain : IGrainWithStringKey
{
    /// <summary>Capacity, use, price, labels, silo and whether it is online.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<StorageProviderInfo> GetInfoAsync();

    /// <summary>Stores fragment <paramref name="index"/> of deal <paramref name="dealId"/> durably (written, flushed
    /// to disk, then renamed into place); storing the same bytes again is a no-op.</summary>
    /// <exception cref="QuotaExceededException">It would pass the provider's capacity.</exception>
    Task PutFragmentAsync(string dealId, int index, [Immutable] byte[] data);

    /// <summary>The fragment's bytes as stored (the caller checks them against the deal's digests).</summary>
    /// <exception cref="StorageUnavailableException">The provider does not hold it.</exception>
    Task<byte[]> GetFragmentAsync(string dealId, int index, CancellationToken cancellationToken = default);

    /// <summary>Reads back fragment <paramref name="index"/> of deal <paramref name="dealId"/>, computes its SHA-256
    /// and the Merkle root of its <paramref name="chunkSize"/>-byte chunks, and signs them with the provider's key:
    /// its commitment to hold those bytes, against which its audit answers are judged.</summary>
    /// <exception cref="StorageUnavailableException">The provider does not hold the fragment.</exception>
    /// <exception cref="InvalidRequestException">The fragment is not a whole number of chunks.</exception>
    Task<FragmentCommitment> CommitAsync(string dealId, int index, int chunkSize);

    /// <summary>Answers an audit from the stored fragment, signed with the provider's key.</summary>
    /// <exception cref="StorageUnavailableException">The provider does not hold the fragment.</exception>
    Task<StorageProof> ProveAsync(StorageChallenge challenge);

    /// <summary>Deletes a fragment (a no-op when absent).</summary>
    Task DeleteFragmentAsync(string dealId, int index);

    /// <summary>Starts writing fragment <paramref name="index"/> of <paramref name="length"/> bytes (chunks of
    /// <paramref name="chunkSize"/>) in pieces, reserving its length against the quota; a write of the same fragment
    /// under way is dropped.</summary>
    /// <exception cref="QuotaExceededException">It would pass the provider's capacity.</exception>
    Task BeginFragmentAsync(string dealId, int index, long length, int chunkSize);

    /// <summary>Appends a piece (whole chunks) at <paramref name="offset"/>, which must follow the previous piece.</summary>
    /// <exception cref="InvalidRequestException">No write under way, or a piece out of order or of the wrong shape.</exception>
    Task WriteFragmentAsync(string dealId, int index, long offset, [Immutable] byte[] piece);

    /// <summary>Makes the fragment written in pieces durable (flushed to disk with its chunk hashes, then renamed into
    /// place).</summary>
    Task CommitFragmentAsync(string dealId, int index);

    /// <summary>Drops a fragment write under way and gives back its quota (a no-op when there is none).</summary>
    Task AbortFragmentAsync(string dealId, int index);

    /// <summary>Up to <paramref name="count"/> bytes (at most 16 MiB) of the fragment from <paramref name="offset"/>,
    /// as stored: the caller checks each chunk.</summary>
    /// <exception cref="StorageUnavailableException">The provider does not hold it.</exception>
    Task<byte[]> ReadFragmentAsync(string dealId, int index, long offset, int count, CancellationToken cancellationToken = default);

    /// <summary>The fragment's chunk hashes (SHA-256 of 0x00 and the chunk, 32 bytes each, in order), as the provider
    /// has them: the caller checks them against the fragment's Merkle root.</summary>
    /// <exception cref="StorageUnavailableException">The provider does not hold it, or not as whole chunks.</exception>
    Task<byte[]> GetChunkHashesAsync(string dealId, int index, int chunkSize, CancellationToken cancellationToken = default);
}
