using System.Text.Json.Serialization;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// What a storage provider offers, as it announces it on the capabilities stream
/// (<see cref="MarketplaceStreams.Capabilities"/>, the stream workers announce on as <see cref="WorkerInfo"/>): when
/// its silo starts it and whenever its free space changes. Subscribers tell the two apart by type.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.storage-provider-advertisement")]
[Immutable]
public sealed class StorageProviderAdvertisement
{
    /// <summary>The provider's id.</summary>
    [Id(0)] public string ProviderId { get; set; } = "";

    /// <summary>Bytes it may hold in all.</summary>
    [Id(1)] public long CapacityBytes { get; set; }

    /// <summary>Bytes it can still take.</summary>
    [Id(2)] public long FreeBytes { get; set; }

    /// <summary>What it asks per GiB-month, in the ledger's smallest unit.</summary>
    [JsonPropertyName("price_per_gib_month")]
    [Id(3)] public long PricePerGiBMonth { get; set; }

    /// <summary>Free-form labels (region, disk class).</summary>
    [Id(4)] public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>Whether it serves (false in an announcement of a provider going away).</summary>
    [Id(5)] public bool Online { get; set; }

    /// <summary>The silo hosting it.</summary>
    [Id(6)] public string Silo { get; set; } = "";

    /// <summary>Its BLS12-381 public key (48 bytes compressed), hex: the key its commitments and audit answers are
    /// signed with.</summary>
    [Id(7)] public string PublicKey { get; set; } = "";

    /// <summary>When it announced this.</summary>
    [Id(8)] public DateTimeOffset At { get; set; }
}
