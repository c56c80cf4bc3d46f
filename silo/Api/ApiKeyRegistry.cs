// Design: keys are kept only as SHA-256 digests; a presented key is hashed and compared against every configured
// digest with a fixed-time comparison and no early exit, so neither the position of a match nor a shared prefix
// shows in the response time.
using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>The API keys the silo accepts, each mapping to a client id.</summary>
internal sealed class ApiKeyRegistry
{
    /// <summary>Client id of the generated development key.</summary>
    public const string DevClientId = "dev";

    private readonly (byte[] Digest, string ClientId)[] _entries;

    public ApiKeyRegistry(IEnumerable<KeyValuePair<string, string>> keys)
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

        _entries = [.. entries];
        KnownClients = [.. entries.Select(entry => entry.Item2).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Number of configured keys.</summary>
    public int Count => _entries.Length;

    /// <summary>The clients the keys belong to, each once, by id (ordinal).</summary>
    public IReadOnlyList<string> KnownClients { get; }

    /// <summary>Reads <c>Marketplace:Api:Keys</c> (key → client id). With no keys and <c>Marketplace:Api:DevKey</c>
    /// not false, the development key is the only key: read from <c>Marketplace:Api:DevKeyFile</c> (default
    /// <c>dev-api-key</c> in the data folder), created and announced by the first start that finds none; in the
    /// PostgreSql cluster mode read from the cluster's database (created once per cluster), the file a copy.</summary>
    public static ApiKeyRegistry Load(IConfiguration configuration, string dataFolder, TextWriter notices)
    {
        var keys = new List<KeyValuePair<string, string>>();
        foreach (var child in configuration.GetSection("Marketplace:Api:Keys").GetChildren())
        {
            keys.Add(new(child.Key, child.Value ?? ""));
        }

        if (keys.Count == 0 && configuration.GetValue("Marketplace:Api:DevKey", defaultValue: true))
        {
            var url = configuration["Marketplace:Http:Urls"]?.Split(';')[0] ?? MarketplaceSiloHost.DefaultHttpUrl;
            var file = configuration["Marketplace:Api:DevKeyFile"];
            var path = string.IsNullOrWhiteSpace(file) ? Path.Combine(dataFolder, DevApiKeyStore.FileName) : file.Trim();
            var clusterDatabase = string.Equals(configuration["Marketplace:Cluster:Mode"], "PostgreSql", StringComparison.OrdinalIgnoreCase)
                ? configuration["Marketplace:Cluster:PostgreSqlConnectionString"]
                : null;
            keys.Add(new(string.IsNullOrWhiteSpace(clusterDatabase)
                ? DevApiKeyStore.LoadOrCreate(path, url, notices)
                : DevApiKeyStore.LoadForCluster(clusterDatabase, path, url, notices), DevClientId));
        }

        return new ApiKeyRegistry(keys);
    }

    /// <summary>Finds the client of <paramref name="presented"/> in constant time over all keys.</summary>
    public bool TryAuthenticate(string presented, out string clientId)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(presented);
        SHA256.HashData(bytes, digest);
        string? found = null;
        foreach (var (candidate, client) in _entries)
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
