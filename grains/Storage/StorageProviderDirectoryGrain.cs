// Design: the directory has two sources. Registration (each silo at start) is persisted: provider ids, which
// placement walks, and every public key a provider signed with, which evidence is checked against (a key never
// leaves the list, so evidence made under an old key still names its provider). Advertisements come on the
// capabilities stream, shared with workers' WorkerInfo, so the directory subscribes to it untyped and keeps the
// newest StorageProviderAdvertisement of each provider in memory; providers announce again when they activate.
using Marketplace.GrainInterfaces;
using Orleans.Streams;

namespace Marketplace.Grains.Storage;

/// <summary>The provider directory (<see cref="IStorageProviderDirectoryGrain"/>), persisted in the default storage.</summary>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class StorageProviderDirectoryGrain(
    [PersistentState("storage-providers")] IPersistentState<StorageProviderDirectoryState> state) : Grain, IStorageProviderDirectoryGrain
{
    private readonly Dictionary<string, StorageProviderAdvertisement> _advertisements = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(MarketplaceStreams.Provider)
            .GetStream<object>(StreamId.Create(MarketplaceStreams.Capabilities, MarketplaceStreams.BroadcastKey));
        var handles = await stream.GetAllSubscriptionHandles();
        if (handles.Count == 0)
        {
            await stream.SubscribeAsync((item, _) => OnAnnouncementAsync(item));
            return;
        }

        await handles[0].ResumeAsync((item, _) => OnAnnouncementAsync(item));
        for (var i = 1; i < handles.Count; i++)
        {
            await handles[i].UnsubscribeAsync();
        }
    }

    public async Task RegisterAsync(string providerId, string publicKey)
    {
        if (!StorageIds.IsValid(providerId))
        {
            throw new InvalidRequestException($"providerId: '{providerId}' is not a provider id");
        }

        if (publicKey is not { Length: 96 } || !IsHex(publicKey))
        {
            throw new InvalidRequestException($"publicKey: '{publicKey}' is not a 48-byte key in hex");
        }

        var changed = false;
        if (!state.State.Providers.Contains(providerId))
        {
            state.State.Providers.Add(providerId);
            changed = true;
        }

        if (!state.State.Keys.TryGetValue(providerId, out var keys))
        {
            keys = [];
            state.State.Keys[providerId] = keys;
        }

        var key = publicKey.ToLowerInvariant();
        if (!keys.Contains(key))
        {
            keys.Add(key);
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Providers]);

    public Task<IReadOnlyList<string>> GetKeysAsync(string providerId) =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Keys.TryGetValue(providerId ?? "", out var keys) ? [.. keys] : []);

    public Task<IReadOnlyList<StorageProviderAdvertisement>> ListAdvertisementsAsync() =>
        Task.FromResult<IReadOnlyList<StorageProviderAdvertisement>>([.. _advertisements.Values.OrderBy(a => a.ProviderId, StringComparer.Ordinal)]);

    private Task OnAnnouncementAsync(object item)
    {
        // Workers' WorkerInfo shares the stream: only provider advertisements are ours.
        if (item is StorageProviderAdvertisement advertisement
            && (!_advertisements.TryGetValue(advertisement.ProviderId, out var known) || known.At <= advertisement.At))
        {
            _advertisements[advertisement.ProviderId] = advertisement;
        }

        return Task.CompletedTask;
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The directory's stored state.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-provider-directory-state")]
internal sealed class StorageProviderDirectoryState
{
    /// <summary>Provider ids, in order of registration.</summary>
    [Id(0)] public List<string> Providers { get; set; } = [];

    /// <summary>Provider id → the public keys (hex) it registered, oldest first.</summary>
    [Id(1)] public Dictionary<string, List<string>> Keys { get; set; } = [];
}
