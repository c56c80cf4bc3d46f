namespace Marketplace.GrainInterfaces;

/// <summary>Every storage provider the cluster has seen (one grain, key <see cref="DefaultKey"/>): each silo registers
/// the providers it hosts when it starts.</summary>
public interface IStorageProviderDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the directory.</summary>
    const string DefaultKey = "default";

    /// <summary>Records a provider id (idempotent).</summary>
    Task RegisterAsync(string providerId);

    /// <summary>Every provider id recorded, in order.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}
