using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    /// <summary>The largest range <see cref="ReadAsync"/> returns in one answer; larger reads go through
    /// <see cref="DealTransfers.ReadAsync"/> (the HTTP API) or in ranges.</summary>
    public const long MaxReadBytes = 64L * 1024 * 1024;

    public async Task<byte[]> ReadAsync(string clientId, long offset, long length)
    {
        var status = Readable(clientId);
        if (offset < 0 || offset > status.Length)
        {
            throw new InvalidRequestException($"offset: {offset} is outside the blob's {status.Length} bytes");
        }

        var available = status.Length - offset;
        var take = length < 0 ? available : length;
        if (take > available)
        {
            throw new InvalidRequestException($"length: {length} bytes from {offset} pass the blob's end ({status.Length} bytes)");
        }

        if (take > MaxReadBytes)
        {
            throw new InvalidRequestException($"length: {take} bytes; one read returns at most {MaxReadBytes} (read in ranges, or stream /v1/deals/{{id}}/content)");
        }

        var bytes = new byte[take];
        using var destination = new MemoryStream(bytes);
        await transfers.ReadAsync(status, offset, take, destination, CancellationToken.None);
        return bytes;
    }
}
