// Design: the HTTP API and the grain client answer provider questions from this one place, so both say the same. The
// directory has two sources: registrations (persisted: every provider a silo ever hosted, with its keys) and
// advertisements (in memory since the directory activated). A provider is known when either lists it. One registered
// but not heard since the directory activated (its silo went away before the directory moved) is shown offline with
// nothing to offer and its newest registered key, rather than left out.
namespace Marketplace.GrainInterfaces;

/// <summary>Reads storage providers from <see cref="IStorageProviderDirectoryGrain"/>, with their reputation and
/// stake.</summary>
public static class StorageProviderLookup
{
    /// <summary>Every known provider's newest advertisement, ordered by provider id (ordinal).</summary>
    public static async Task<StorageProviderList> ListAsync(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var directory = Directory(grains);
        var advertised = await directory.ListAdvertisementsAsync();
        var registered = await directory.ListAsync();
        var byId = new Dictionary<string, StorageProviderAdvertisement>(StringComparer.Ordinal);
        foreach (var advertisement in advertised)
        {
            byId[advertisement.ProviderId] = advertisement;
        }

        foreach (var id in registered)
        {
            if (!byId.ContainsKey(id))
            {
                byId[id] = await UnheardAsync(directory, id);
            }
        }

        return new StorageProviderList { Providers = [.. byId.Values.OrderBy(a => a.ProviderId, StringComparer.Ordinal)] };
    }

    /// <summary>One provider's newest advertisement.</summary>
    /// <exception cref="InvalidRequestException"><paramref name="providerId"/> is not a provider id.</exception>
    /// <exception cref="ProviderNotFoundException">The directory neither registered nor heard it.</exception>
    public static async Task<StorageProviderAdvertisement> GetAdvertisementAsync(IGrainFactory grains, string providerId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (!StorageIds.IsValid(providerId))
        {
            throw new InvalidRequestException($"id: '{Clip(providerId)}' is not a provider id (1-64 letters, digits, '-', '_' or '.')");
        }

        var directory = Directory(grains);
        foreach (var advertisement in await directory.ListAdvertisementsAsync())
        {
            if (string.Equals(advertisement.ProviderId, providerId, StringComparison.Ordinal))
            {
                return advertisement;
            }
        }

        if ((await directory.ListAsync()).Contains(providerId, StringComparer.Ordinal))
        {
            return await UnheardAsync(directory, providerId);
        }

        throw new ProviderNotFoundException($"no storage provider '{providerId}' is registered");
    }

    /// <summary>One provider with its reputation and stake.</summary>
    /// <exception cref="InvalidRequestException"><paramref name="providerId"/> is not a provider id.</exception>
    /// <exception cref="ProviderNotFoundException">The directory neither registered nor heard it.</exception>
    public static async Task<StorageProviderView> GetAsync(IGrainFactory grains, string providerId)
    {
        var advertisement = await GetAdvertisementAsync(grains, providerId);
        var reputation = grains.GetGrain<IReputationGrain>(providerId).GetAsync();
        var stake = grains.GetGrain<ISettlement>(ISettlement.DefaultKey).GetStakeAsync(providerId);
        return new StorageProviderView
        {
            ProviderId = providerId,
            Advertisement = advertisement,
            Reputation = await reputation,
            Stake = await stake,
        };
    }

    private static IStorageProviderDirectoryGrain Directory(IGrainFactory grains) =>
        grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey);

    private static async Task<StorageProviderAdvertisement> UnheardAsync(IStorageProviderDirectoryGrain directory, string providerId)
    {
        var keys = await directory.GetKeysAsync(providerId);
        return new StorageProviderAdvertisement { ProviderId = providerId, Online = false, PublicKey = keys.Count > 0 ? keys[^1] : "" };
    }

    private static string Clip(string? text) => text is null ? "" : text.Length > 80 ? text[..80] + "…" : text;
}
