using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Storage;

/// <summary>The storage providers this silo hosts, each with its fragment store.</summary>
internal sealed class LocalStorageProviders
{
    private readonly Dictionary<string, (StorageProviderOptions Options, FragmentStore Store)> _providers = new(StringComparer.Ordinal);

    public LocalStorageProviders(IOptions<StorageOptions> options, IConfiguration configuration)
    {
        var dataFolder = configuration["Marketplace:DataFolder"] ?? Path.Combine(Environment.CurrentDirectory, "data");
        foreach (var provider in options.Value.Providers)
        {
            var directory = string.IsNullOrWhiteSpace(provider.Directory)
                ? Path.Combine(dataFolder, "providers", provider.Id)
                : Path.GetFullPath(provider.Directory, dataFolder);
            _providers[provider.Id] = (provider, new FragmentStore(directory, provider.CapacityBytes));
        }
    }

    /// <summary>The ids, in configuration order.</summary>
    public IEnumerable<string> Ids => _providers.Keys;

    /// <summary>The provider's settings and store, or false when this silo does not host it.</summary>
    public bool TryGet(string id, out StorageProviderOptions options, out FragmentStore store)
    {
        if (_providers.TryGetValue(id, out var found))
        {
            (options, store) = found;
            return true;
        }

        options = null!;
        store = null!;
        return false;
    }
}
