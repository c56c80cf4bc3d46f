using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    /// <summary>
    /// Chooses up to <paramref name="count"/> providers for fragments of <paramref name="fragmentBytes"/> each: online,
    /// with the space, at or under the price, holding none of <paramref name="exclude"/>, with the minimum stake when
    /// one is set; in rounds of at most one provider per silo, so no silo gets a second fragment before every silo
    /// has one, nor a third before every silo has two. Returns the chosen ids and why every other provider was not used.
    /// </summary>
    private async Task<(List<string> Chosen, List<ProviderRefusal> Refusals)> PlaceAsync(int count, long fragmentBytes, long maxPrice, IReadOnlySet<string> exclude)
    {
        var ids = await GrainFactory.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey).ListAsync();
        var infos = await Task.WhenAll(ids.Select(InfoOrOfflineAsync));
        var staked = await StakedAsync(infos);
        var refusals = new List<ProviderRefusal>();
        var eligible = new List<StorageProviderInfo>();
        foreach (var info in infos)
        {
            var reason = !info.Online ? "offline"
                : exclude.Contains(info.ProviderId) ? "holds_a_fragment"
                : info.FreeBytes < fragmentBytes ? "not_enough_space"
                : info.PricePerGiBMonth > maxPrice ? "price_above_maximum"
                : !staked(info.ProviderId) ? "stake_below_minimum"
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

        // Cheapest first, then most free space; each round takes at most one per silo.
        eligible.Sort(static (a, b) => a.PricePerGiBMonth != b.PricePerGiBMonth ? a.PricePerGiBMonth.CompareTo(b.PricePerGiBMonth) : b.FreeBytes.CompareTo(a.FreeBytes));
        var chosen = new List<string>(count);
        var left = eligible;
        while (chosen.Count < count && left.Count > 0)
        {
            var silos = new HashSet<string>(StringComparer.Ordinal);
            var next = new List<StorageProviderInfo>();
            foreach (var info in left)
            {
                if (chosen.Count < count && silos.Add(info.Silo))
                {
                    chosen.Add(info.ProviderId);
                }
                else
                {
                    next.Add(info);
                }
            }

            left = next;
        }

        foreach (var info in left)
        {
            refusals.Add(new ProviderRefusal { ProviderId = info.ProviderId, Reason = "not_needed" });
        }

        return (chosen, refusals);
    }

    /// <summary>Whether each provider's bonded stake reaches <see cref="StorageOptions.MinimumProviderStake"/> (all
    /// do when it is 0).</summary>
    private async Task<Func<string, bool>> StakedAsync(StorageProviderInfo[] infos)
    {
        var minimum = Options.MinimumProviderStake;
        if (minimum <= 0)
        {
            return static _ => true;
        }

        var online = infos.Where(i => i.Online).Select(i => i.ProviderId).ToList();
        var stakes = await Task.WhenAll(online.Select(id => Settlement.GetStakeAsync(id)));
        var enough = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < online.Count; i++)
        {
            if (stakes[i].Bonded >= (UInt128)minimum)
            {
                enough.Add(online[i]);
            }
        }

        return enough.Contains;
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
