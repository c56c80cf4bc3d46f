using Marketplace.Crypto.Bls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Storage;

/// <summary>The storage providers this silo hosts, each with its fragment store and signing key.</summary>
internal sealed class LocalStorageProviders : IDisposable
{
    private readonly Dictionary<string, (StorageProviderOptions Options, FragmentStore Store)> _providers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (SecretKey Key, byte[] PublicKey)> _keys = new(StringComparer.Ordinal);

    public LocalStorageProviders(IOptions<StorageOptions> options, IConfiguration configuration)
    {
        var dataFolder = MarketplaceDataFolder.Resolve(configuration);
        foreach (var provider in options.Value.Hosted())
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

    /// <summary>The signing key of hosted provider <paramref name="id"/>, loaded (or created) in its directory on
    /// first use.</summary>
    public SecretKey KeyOf(string id) => Keys(id).Key;

    /// <summary>The public half of <see cref="KeyOf"/>, 48 bytes compressed.</summary>
    public byte[] PublicKeyOf(string id) => Keys(id).PublicKey;

    private (SecretKey Key, byte[] PublicKey) Keys(string id)
    {
        lock (_keys)
        {
            if (!_keys.TryGetValue(id, out var keys))
            {
                var key = ProviderKeyStore.LoadOrCreate(_providers[id].Store.Directory);
                keys = (key, Bls.SkToPk(key).ToBytes());
                _keys[id] = keys;
            }

            return keys;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_keys)
        {
            foreach (var keys in _keys.Values)
            {
                keys.Key.Dispose();
            }

            _keys.Clear();
        }
    }
}
