using System.Globalization;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests;

/// <summary>What the storage tests start silos with: providers p1, p2, ... configured on the silo, and seeded random
/// content whose seed is printed.</summary>
internal static class StorageTestSettings
{
    /// <summary>The id of the deal client <paramref name="clientId"/> names <paramref name="name"/> (its provider folders
    /// and ledger entries are named by it).</summary>
    public static string DealId(string clientId, string name) => Marketplace.GrainInterfaces.StorageIds.DealIdFor(clientId, name);

    /// <summary>Settings for <paramref name="count"/> providers <c>p1</c>..; capacity, price and region label set only
    /// when given (the providers' defaults otherwise).</summary>
    public static Dictionary<string, string?> Providers(int count, long? capacityBytes = null, long? pricePerGiBMonth = null, string? region = null)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < count; i++)
        {
            var provider = $"Marketplace:Storage:Providers:{i}:";
            settings[provider + "Id"] = $"p{i + 1}";
            if (capacityBytes is { } capacity)
            {
                settings[provider + "CapacityBytes"] = capacity.ToString(CultureInfo.InvariantCulture);
            }

            if (pricePerGiBMonth is { } price)
            {
                settings[provider + "PricePerGiBMonth"] = price.ToString(CultureInfo.InvariantCulture);
            }

            if (region is not null)
            {
                settings[provider + "Labels:region"] = region;
            }
        }

        return settings;
    }

    /// <summary><paramref name="length"/> random bytes from a fresh seed, printed to <paramref name="output"/>.</summary>
    public static byte[] SeededContent(ITestOutputHelper output, int length)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"content seed {seed}");
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
