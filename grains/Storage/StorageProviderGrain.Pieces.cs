using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <content>Fragments written and read in pieces, so no call carries a whole large fragment.</content>
internal sealed partial class StorageProviderGrain
{
    /// <summary>The largest piece one read returns.</summary>
    public const int MaxPieceBytes = 16 * 1024 * 1024;

    public Task BeginFragmentAsync(string dealId, int index, long length, int chunkSize) =>
        Store().BeginWriteAsync(Checked(dealId), index, length, chunkSize);

    public Task WriteFragmentAsync(string dealId, int index, long offset, byte[] piece) =>
        Store().AppendAsync(Checked(dealId), index, offset, piece);

    public async Task CommitFragmentAsync(string dealId, int index)
    {
        var store = Store();
        await store.CommitAsync(Checked(dealId), index);
        StorageLog.FragmentCommitted(log, Id, dealId, index);
        await AdvertiseAsync();
    }

    public async Task AbortFragmentAsync(string dealId, int index)
    {
        var store = Store();
        var before = store.UsedBytes;
        await store.AbortWriteAsync(Checked(dealId), index);
        if (store.UsedBytes != before)
        {
            await AdvertiseAsync();
        }
    }

    public async Task<byte[]> ReadFragmentAsync(string dealId, int index, long offset, int count, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || count is < 0 or > MaxPieceBytes)
        {
            throw new InvalidRequestException($"fragment read of {count} bytes at {offset}: offset from 0, count from 0 to {MaxPieceBytes}");
        }

        return await Store().ReadAsync(Checked(dealId), index, offset, count, cancellationToken)
            ?? throw new StorageUnavailableException($"storage provider {Id} does not hold fragment {index} of deal {dealId}");
    }

    public async Task<byte[]> GetChunkHashesAsync(string dealId, int index, int chunkSize, CancellationToken cancellationToken = default) =>
        await Store().ChunkHashesAsync(Checked(dealId), index, chunkSize, cancellationToken)
            ?? throw new StorageUnavailableException($"storage provider {Id} does not hold fragment {index} of deal {dealId} as chunks of {chunkSize} bytes");
}
