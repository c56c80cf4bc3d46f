namespace Marketplace.GrainInterfaces;

/// <summary>Every storage provider the cluster has seen (one grain, key <see cref="DefaultKey"/>): each silo registers
/// the providers it hosts, with their public keys, when it starts; the directory also follows the providers'
/// advertisements on the capabilities stream.</summary>
public interface IStorageProviderDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the directory.</summary>
    const string DefaultKey = "default";

    /// <summary>Records a provider id and the BLS public key (48 bytes, hex) it signs with (idempotent; a new key is
    /// added to the ones recorded, which stay: evidence signed with an old key still names the provider).</summary>
    Task RegisterAsync(string providerId, string publicKey);

    /// <summary>Every provider id recorded, in order.</summary>
    [Orleans.Concurrency.ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>The public keys (hex) the provider registered, oldest first; empty for an unknown provider.</summary>
    [Orleans.Concurrency.ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<IReadOnlyList<string>> GetKeysAsync(string providerId);

    /// <summary>The newest advertisement heard from each provider on the capabilities stream since this directory
    /// activated, by provider id.</summary>
    [Orleans.Concurrency.ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<IReadOnlyList<StorageProviderAdvertisement>> ListAdvertisementsAsync();
}
