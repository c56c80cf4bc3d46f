using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    /// <summary>
    /// Chooses up to <paramref name="count"/> providers for fragments of <paramref name="fragmentBytes"/> each: online,
    /// with the space, at or under the price, holding none of <paramref name="exclude"/>; one per silo first, then
    /// any. Returns the chosen ids and why every other provider was not used.
    /// </summary>
    private async Task<(List<string> Chosen, List<ProviderRefusal> Refusals)> PlaceAsync(int count, long fragmentBytes, long maxPrice, IReadOnlySet<string> exclude)
    {
        var ids = await GrainFactory.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey).ListAsync();
        var infos = await Task.WhenAll(ids.Select(InfoOrOfflineAsync));
        var refusals = new List<ProviderRefusal>();
        var eligible = new List<StorageProviderInfo>();
        foreach (var info in infos)
        {
            var reason = !info.Online ? "offline"
                : exclude.Contains(info.ProviderId) ? "holds_a_fragment"
                : info.FreeBytes < fragmentBytes ? "not_enough_space"
                : info.PricePerGiBMonth > maxPrice ? "price_above_maximum"
                : null;
            if (reason is null)
            {
                eligible.Add(info);
            }
            else
            {
                refusals.Add(new ProviderRefusal { ProviderId = info.ProviderId, Reason = reason });
            }
        }

        // Cheapest first, then most free space; one per silo in the first pass.
        eligible.Sort(static (a, b) => a.PricePerGiBMonth != b.PricePerGiBMonth ? a.PricePerGiBMonth.CompareTo(b.PricePerGiBMonth) : b.FreeBytes.CompareTo(a.FreeBytes));
        var chosen = new List<string>(count);
        var silos = new HashSet<string>(StringComparer.Ordinal);
        var left = new List<StorageProviderInfo>();
        foreach (var info in eligible)
        {
            if (chosen.Count < count && silos.Add(info.Silo))
            {
                chosen.Add(info.ProviderId);
            }
            else
            {
                left.Add(info);
            }
        }

        foreach (var info in left)
        {
            if (chosen.Count < count)
            {
                chosen.Add(info.ProviderId);
            }
            else
            {
                refusals.Add(new ProviderRefusal { ProviderId = info.ProviderId, Reason = "not_needed" });
            }
        }

        return (chosen, refusals);
    }

    private async Task<StorageProviderInfo> InfoOrOfflineAsync(string id)
    {
        try
        {
            return await Provider(id).GetInfoAsync().WaitAsync(Options.ProviderTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or StorageUnavailableException)
        {
            return new StorageProviderInfo { ProviderId = id, Online = false };
        }
    }
}
