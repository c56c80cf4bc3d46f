using Marketplace.Grains;
using Marketplace.Silo.Api;

namespace Marketplace.Silo.Hosting;

/// <summary>
/// Where the embedded silo keeps what its database does not hold, as its configuration names it: the blob chunks
/// (<c>Marketplace:Blobs:ChunkStorePath</c>, default <c>chunks</c>), the workers' keys
/// (<c>Marketplace:Jobs:WorkerKeyFolder</c>, default <c>workers</c>), each storage provider's fragments
/// (<c>Marketplace:Storage:Providers:N:Directory</c>, default <c>providers/{id}</c>) and the development key
/// (<c>Marketplace:Api:DevKeyFile</c>, default <c>dev-api-key</c>), all relative to <c>Marketplace:DataFolder</c>.
/// Backup and restore read it from the same settings, so a restore puts every part where the silo will look.
/// </summary>
internal sealed class DataFolderLayout
{
    private readonly IConfiguration _configuration;

    /// <summary>The layout <paramref name="configuration"/> names.</summary>
    public DataFolderLayout(IConfiguration configuration)
    {
        _configuration = configuration;
        DataFolder = MarketplaceDataFolder.Resolve(configuration);
        Chunks = Path.GetFullPath(Path.Combine(DataFolder, configuration["Marketplace:Blobs:ChunkStorePath"] is { Length: > 0 } chunks ? chunks : "chunks"));
        Workers = configuration["Marketplace:Jobs:WorkerKeyFolder"] is { Length: > 0 } workers ? Path.GetFullPath(workers) : Path.Combine(DataFolder, "workers");
        DevKeyFile = configuration["Marketplace:Api:DevKeyFile"] is { Length: > 0 } key ? Path.GetFullPath(key.Trim()) : Path.Combine(DataFolder, DevApiKeyStore.FileName);
    }

    /// <summary>The data folder (absolute).</summary>
    public string DataFolder { get; }

    /// <summary>The chunk store's folder (absolute).</summary>
    public string Chunks { get; }

    /// <summary>The workers' key folder (absolute).</summary>
    public string Workers { get; }

    /// <summary>The development key's file (absolute).</summary>
    public string DevKeyFile { get; }

    /// <summary>The fragment folder of storage provider <paramref name="id"/>: the one configured for it, else
    /// <c>providers/{id}</c> under the data folder.</summary>
    public string Provider(string id)
    {
        foreach (var provider in _configuration.GetSection("Marketplace:Storage:Providers").GetChildren())
        {
            if (string.Equals(provider["Id"], id, StringComparison.Ordinal) && provider["Directory"] is { Length: > 0 } directory)
            {
                return Path.GetFullPath(directory, DataFolder);
            }
        }

        return Path.Combine(DataFolder, "providers", id);
    }

    /// <summary>The ids of the providers whose folders exist under <c>providers/</c> or are configured.</summary>
    public IEnumerable<string> ProviderIds()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        var folder = Path.Combine(DataFolder, "providers");
        if (Directory.Exists(folder))
        {
            foreach (var directory in Directory.EnumerateDirectories(folder))
            {
                ids.Add(Path.GetFileName(directory));
            }
        }

        foreach (var provider in _configuration.GetSection("Marketplace:Storage:Providers").GetChildren())
        {
            if (provider["Id"] is { Length: > 0 } id && Directory.Exists(Provider(id)))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
