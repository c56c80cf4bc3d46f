using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Storage providers through the provider directory, the reputation grains and the settlement.</content>
public sealed partial class GrainMarketplaceClient
{
    /// <inheritdoc />
    public Task<StorageProviderList> ListStorageProvidersAsync(CancellationToken cancellationToken = default) =>
        StorageProviderLookup.ListAsync(_grains).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task<StorageProviderView> GetStorageProviderAsync(string providerId, CancellationToken cancellationToken = default) =>
        StorageProviderLookup.GetAsync(_grains, providerId).WaitAsync(cancellationToken);
}
