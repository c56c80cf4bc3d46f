using System.Text.Json.Serialization;

namespace Marketplace.GrainInterfaces;

/// <summary>What a storage provider offers (<see cref="IStorageProviderGrain.GetInfoAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.storage-provider-info")]
[Immutable]
public sealed class StorageProviderInfo
{
    /// <summary>The provider's id.</summary>
    [Id(0)] public string ProviderId { get; set; } = "";

    /// <summary>Bytes it may hold in all.</summary>
    [Id(1)] public long CapacityBytes { get; set; }

    /// <summary>Bytes of fragments it holds.</summary>
    [Id(2)] public long UsedBytes { get; set; }

    /// <summary>What it asks per GiB-month, in the ledger's smallest unit.</summary>
    [JsonPropertyName("price_per_gib_month")]
    [Id(3)] public long PricePerGiBMonth { get; set; }

    /// <summary>Free-form labels (region, disk class).</summary>
    [Id(4)] public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>The silo hosting it (placement spreads a deal's fragments over silos when it can).</summary>
    [Id(5)] public string Silo { get; set; } = "";

    /// <summary>False when no live silo hosts it.</summary>
    [Id(6)] public bool Online { get; set; }

    /// <summary>Bytes it can still take.</summary>
    public long FreeBytes => Math.Max(0, CapacityBytes - UsedBytes);
}
