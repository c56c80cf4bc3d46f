// Design: keys are kept only as SHA-256 digests; a presented key is hashed and compared against every configured
// digest with a fixed-time comparison and no early exit, so neither the position of a match nor a shared prefix
// shows in the response time.
using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Silo.Api;

/// <summary>The API keys the silo accepts, each mapping to a client id.</summary>
internal sealed class ApiKeyRegistry
{
    /// <summary>Client id of the generated development key.</summary>
    public const string DevClientId = "dev";

    private volatile Snapshot _current;

    public ApiKeyRegistry(IEnumerable<KeyValuePair<string, string>> keys) => _current = Build(keys);

    /// <summary>The development key when it is the only key (no keys configured), else null.</summary>
    public string? DevelopmentKey { get; private init; }

    /// <summary>Number of keys accepted now.</summary>
    public int Count => _current.Entries.Length;

    /// <summary>The clients the keys belong to, each once, by id (ordinal).</summary>
    public IReadOnlyList<string> KnownClients => _current.Clients;

    private static Snapshot Build(IEnumerable<KeyValuePair<string, string>> keys)
    {
        var entries = new List<(byte[], string)>();
        foreach (var (key, clientId) in keys)
        {
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(clientId))
            {
                throw new OptionsValidationException("Marketplace:Api:Keys", typeof(ApiKeyRegistry),
                    ["Marketplace:Api:Keys: every entry needs a non-empty key and a non-empty client id."]);
            }

            if (!ClientIds.IsValid(clientId.Trim()))
            {
                throw new OptionsValidationException("Marketplace:Api:Keys", typeof(ApiKeyRegistry),
                    [$"Marketplace:Api:Keys: client id '{clientId.Trim()}' must be 1 to {ClientIds.MaxLength} characters without control characters or '/'."]);
            }

            entries.Add((Digest(key.Trim()), clientId.Trim()));
        }

        return new Snapshot([.. entries], [.. entries.Select(entry => entry.Item2).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    private sealed record Snapshot((byte[] Digest, string ClientId)[] Entries, IReadOnlyList<string> Clients);

    /// <summary>Reads <c>Marketplace:Api:Keys</c> (key → client id). With no keys and <c>Marketplace:Api:DevKey</c>
    /// not false, the development key is the only key: read from <c>Marketplace:Api:DevKeyFile</c> (default
    /// <c>dev-api-key</c> in the data folder), created and announced by the first start that finds none; in the
    /// PostgreSql cluster mode read from the cluster's database (created once per cluster), the file a copy.</summary>
    public static ApiKeyRegistry Load(IConfiguration configuration, string dataFolder, TextWriter notices)
    {
        var keys = Configured(configuration);
        if (keys.Count == 0 && configuration.GetValue("Marketplace:Api:DevKey", defaultValue: true))
        {
            var url = configuration["Marketplace:Http:Urls"]?.Split(';')[0] ?? MarketplaceSiloHost.DefaultHttpUrl;
            var file = configuration["Marketplace:Api:DevKeyFile"];
            var path = string.IsNullOrWhiteSpace(file) ? Path.Combine(dataFolder, DevApiKeyStore.FileName) : file.Trim();
            var clusterDatabase = string.Equals(configuration["Marketplace:Cluster:Mode"], "PostgreSql", StringComparison.OrdinalIgnoreCase)
                ? configuration["Marketplace:Cluster:PostgreSqlConnectionString"]
                : null;
            var devKey = string.IsNullOrWhiteSpace(clusterDatabase)
                ? DevApiKeyStore.LoadOrCreate(path, url, notices)
                : DevApiKeyStore.LoadForCluster(clusterDatabase, path, url, notices);
            keys.Add(new(devKey, DevClientId));
            return new ApiKeyRegistry(keys) { DevelopmentKey = devKey };
        }

        var registry = new ApiKeyRegistry(keys);
        // Keys from a configuration file that changes (appsettings.json, a --config file) are read again at once: a
        // key removed there is refused from then on, without a restart. A change that would not load keeps the keys
        // in force and says why.
        ChangeToken.OnChange(configuration.GetReloadToken, () => registry.Reload(configuration, notices));
        return registry;
    }

    private void Reload(IConfiguration configuration, TextWriter notices)
    {
        var keys = Configured(configuration);
        if (keys.Count == 0)
        {
            notices.WriteLine("Marketplace API: the configuration now lists no API keys; the keys in force are kept (remove the last key by restarting the silo).");
            return;
        }

        try
        {
            var next = Build(keys);
            if (next.Entries.Length != _current.Entries.Length || !next.Entries.Zip(_current.Entries).All(pair => pair.First.Digest.AsSpan().SequenceEqual(pair.Second.Digest) && pair.First.ClientId == pair.Second.ClientId))
            {
                _current = next;
                notices.WriteLine($"Marketplace API: API keys read again from the configuration: {next.Entries.Length} keys of {next.Clients.Count} clients.");
            }
        }
        catch (OptionsValidationException refused)
        {
            notices.WriteLine($"Marketplace API: the changed API keys were refused and the keys in force kept: {string.Join("; ", refused.Failures)}");
        }
    }

    private static List<KeyValuePair<string, string>> Configured(IConfiguration configuration)
    {
        var keys = new List<KeyValuePair<string, string>>();
        foreach (var child in configuration.GetSection("Marketplace:Api:Keys").GetChildren())
        {
            keys.Add(new(child.Key, child.Value ?? ""));
        }

        return keys;
    }

    /// <summary>Finds the client of <paramref name="presented"/> in constant time over all keys.</summary>
    public bool TryAuthenticate(string presented, out string clientId)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(presented);
        SHA256.HashData(bytes, digest);
        string? found = null;
        foreach (var (candidate, client) in _current.Entries)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest))
            {
                found = client;
            }
        }

        clientId = found ?? "";
        return found is not null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
