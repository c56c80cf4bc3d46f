using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    public async Task<byte[]> ReadAsync(string clientId, long offset, long length)
    {
        var status = Owned(clientId);
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

        var fragments = await FetchFirstAsync(status, status.Policy.DataFragments, skip: null);
        byte[] blob;
        try
        {
            blob = new BlobDecoder().Decode(ManifestOf(status), fragments);
        }
        catch (ErasureCodingException e)
        {
            throw new StorageUnavailableException($"deal {DealId} cannot be decoded: {e.Message}");
        }

        return offset == 0 && take == blob.Length ? blob : blob.AsSpan((int)offset, (int)take).ToArray();
    }

    /// <summary>
    /// Fetches fragments from their providers all at once and keeps the first <paramref name="wanted"/> whose SHA-256
    /// matches the deal's record; the rest are cancelled. Fragments in <paramref name="skip"/> are not asked for.
    /// Entries are null where nothing was kept.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Fewer than <paramref name="wanted"/> verified.</exception>
    private async Task<byte[]?[]> FetchFirstAsync(DealStatus status, int wanted, IReadOnlySet<int>? skip)
    {
        using var done = new CancellationTokenSource(Options.ProviderTimeout);
        var pending = new Dictionary<Task<byte[]?>, int>();
        foreach (var fragment in status.Fragments)
        {
            if (skip?.Contains(fragment.Index) != true)
            {
                pending[FetchVerifiedAsync(fragment, done.Token)] = fragment.Index;
            }
        }

        var result = new byte[]?[status.Fragments.Count];
        var kept = 0;
        while (pending.Count > 0 && kept < wanted)
        {
            var finished = await Task.WhenAny(pending.Keys);
            var index = pending[finished];
            pending.Remove(finished);
            if (await finished is { } bytes)
            {
                result[index] = bytes;
                kept++;
            }
        }

        await done.CancelAsync();
        if (kept < wanted)
        {
            throw new StorageUnavailableException($"deal {DealId}: only {kept} of the {wanted} fragments needed could be fetched and verified");
        }

        return result;
    }

    /// <summary>The fragment when its provider returns bytes with the recorded SHA-256; null otherwise (missing,
    /// unreachable, too slow, or other bytes).</summary>
    private async Task<byte[]?> FetchVerifiedAsync(DealFragment fragment, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await Provider(fragment.ProviderId).GetFragmentAsync(DealId, fragment.Index, cancellationToken);
            return Convert.ToHexStringLower(SHA256.HashData(bytes)) == fragment.Sha256 ? bytes : null;
        }
        catch (Exception e) when (e is StorageUnavailableException or OrleansException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }
}
