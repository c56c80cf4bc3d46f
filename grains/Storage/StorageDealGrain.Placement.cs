using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    /// <summary>
    /// Chooses up to <paramref name="count"/> providers for fragments of <paramref name="fragmentBytes"/> each: online,
    /// with the space, at or under the price, holding none of <paramref name="exclude"/>, with the minimum stake when
    /// one is set, not banned and with at least the minimum reputation; cheapest first, then the best reputation, then
    /// the most free space; in rounds of at most one provider per silo, so no silo gets a second fragment before every
    /// silo has one, nor a third before every silo has two. Returns the chosen ids and why every other provider was
    /// not used.
    /// </summary>
    private async Task<(List<string> Chosen, List<ProviderRefusal> Refusals)> PlaceAsync(int count, long fragmentBytes, long maxPrice, IReadOnlySet<string> exclude, IReadOnlySet<string>? takeBack = null)
    {
        var ids = await GrainFactory.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey).ListAsync();
        var infos = await Task.WhenAll(ids.Select(InfoOrOfflineAsync));
        var staked = await StakedAsync(infos);
        var reputations = await ReputationsAsync(infos);
        var refusals = new List<ProviderRefusal>();
        var eligible = new List<(StorageProviderInfo Info, double Score)>();
        foreach (var info in infos)
        {
            var reputation = reputations.GetValueOrDefault(info.ProviderId);
            var reason = !info.Online ? "offline"
                : exclude.Contains(info.ProviderId) && takeBack?.Contains(info.ProviderId) != true ? "holds_a_fragment"
                : info.FreeBytes < fragmentBytes ? "not_enough_space"
                : info.PricePerGiBMonth > maxPrice ? "price_above_maximum"
                : !staked(info.ProviderId) ? "stake_below_minimum"
                : reputation is null ? "reputation_unavailable"
                : reputation.IsBannedAt(reputation.EvaluatedAt) ? "banned" // on the reputation's own clock
                : reputation.Score < Options.MinimumProviderReputation ? "reputation_below_minimum"
                : null;
            if (reason is null)
            {
                eligible.Add((info, reputation!.Score));
            }
            else
            {
                refusals.Add(new ProviderRefusal { ProviderId = info.ProviderId, Reason = reason });
            }
        }

        eligible.Sort(static (a, b) =>
            a.Info.PricePerGiBMonth != b.Info.PricePerGiBMonth ? a.Info.PricePerGiBMonth.CompareTo(b.Info.PricePerGiBMonth)
            : a.Score != b.Score ? b.Score.CompareTo(a.Score)
            : b.Info.FreeBytes.CompareTo(a.Info.FreeBytes));
        var chosen = new List<string>(count);
        var left = eligible;
        while (chosen.Count < count && left.Count > 0)
        {
            var silos = new HashSet<string>(StringComparer.Ordinal);
            var next = new List<(StorageProviderInfo Info, double Score)>();
            foreach (var candidate in left)
            {
                if (chosen.Count < count && silos.Add(candidate.Info.Silo))
                {
                    chosen.Add(candidate.Info.ProviderId);
                }
                else
                {
                    next.Add(candidate);
                }
            }

            left = next;
        }

        foreach (var candidate in left)
        {
            refusals.Add(new ProviderRefusal { ProviderId = candidate.Info.ProviderId, Reason = "not_needed" });
        }

        return (chosen, refusals);
    }

    /// <summary>The reputation of every online provider, from its reputation grain (keyed by the provider's id, as the
    /// penalties record it); a provider whose reputation does not answer in <see cref="StorageOptions.ProviderTimeout"/>
    /// is left out, and placement passes over it as <c>reputation_unavailable</c>.</summary>
    private async Task<Dictionary<string, WorkerReputation>> ReputationsAsync(StorageProviderInfo[] infos)
    {
        var online = infos.Where(i => i.Online).Select(i => i.ProviderId).ToList();
        var answers = await Task.WhenAll(online.Select(ReputationOrNullAsync));
        var reputations = new Dictionary<string, WorkerReputation>(StringComparer.Ordinal);
        for (var i = 0; i < online.Count; i++)
        {
            if (answers[i] is { } reputation)
            {
                reputations[online[i]] = reputation;
            }
        }

        return reputations;
    }

    private async Task<WorkerReputation?> ReputationOrNullAsync(string providerId)
    {
        try
        {
            return await GrainFactory.GetGrain<IReputationGrain>(providerId).GetAsync().WaitAsync(Options.ProviderTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return null;
        }
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
