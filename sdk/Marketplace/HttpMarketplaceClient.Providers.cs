using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Storage providers over <c>/v1/providers</c>.</content>
public sealed partial class HttpMarketplaceClient
{
    /// <inheritdoc />
    public Task<StorageProviderList> ListStorageProvidersAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync<StorageProviderList>(HttpMethod.Get, "v1/providers", null, cancellationToken);

    /// <inheritdoc />
    public Task<StorageProviderView> GetStorageProviderAsync(string providerId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<StorageProviderView>(HttpMethod.Get, $"v1/providers/{Escape(providerId)}", null, cancellationToken);
}
