using Microsoft.Extensions.Configuration;

namespace Marketplace.Grains;

/// <summary>The silo's data folder, as every part that keeps files beside the database resolves it: the configured
/// <c>Marketplace:DataFolder</c> (relative to the working directory), else <c>./data</c> of the working
/// directory.</summary>
internal static class MarketplaceDataFolder
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Marketplace:DataFolder";

    /// <summary>The absolute data folder <paramref name="configuration"/> names.</summary>
    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Path.GetFullPath(configuration[Key] is { Length: > 0 } folder ? folder : Path.Combine(Environment.CurrentDirectory, "data"));
    }
}
