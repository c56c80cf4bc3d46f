using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>The provider directory (<see cref="IStorageProviderDirectoryGrain"/>), persisted in the default storage.</summary>
internal sealed class StorageProviderDirectoryGrain(
    [PersistentState("storage-providers")] IPersistentState<StorageProviderDirectoryState> state) : Grain, IStorageProviderDirectoryGrain
{
    public async Task RegisterAsync(string providerId)
    {
        if (!StorageIds.IsValid(providerId))
        {
            throw new InvalidRequestException($"providerId: '{providerId}' is not a provider id");
        }

        if (!state.State.Providers.Contains(providerId))
        {
            state.State.Providers.Add(providerId);
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Providers]);
}

/// <summary>The directory's stored state.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-provider-directory-state")]
internal sealed class StorageProviderDirectoryState
{
    /// <summary>Provider ids, in order of registration.</summary>
    [Id(0)] public List<string> Providers { get; set; } = [];
}
