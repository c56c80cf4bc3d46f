using System.Text.Json.Serialization;

namespace Marketplace.GrainInterfaces;

/// <summary>Where a storage deal is.</summary>
public enum DealState
{
    /// <summary>Created, fragments being placed.</summary>
    Placing = 0,

    /// <summary>Every fragment placed and healthy as far as the last audit knows.</summary>
    Active = 1,

    /// <summary>Fewer healthy fragments than the repair threshold, still at least k: readable, repair due.</summary>
    Degraded = 2,

    /// <summary>Missing fragments being rebuilt onto new providers.</summary>
    Repairing = 3,

    /// <summary>Fewer than k healthy fragments: the blob cannot be rebuilt.</summary>
    Lost = 4,

    /// <summary>Its term is over: the last period is settled, the providers' fragments are deleted and audits
    /// stopped. The blob can no longer be read.</summary>
    Ended = 5,
}

/// <summary>What the last check found of a fragment.</summary>
public enum FragmentHealth
{
    /// <summary>Its provider answered the last audit with the right chunk and proof.</summary>
    Healthy = 0,

    /// <summary>Its provider no longer holds it.</summary>
    Missing = 1,

    /// <summary>Its provider answered with bytes that do not match the deal's Merkle root.</summary>
    Corrupt = 2,

    /// <summary>Its provider could not be reached.</summary>
    Unreachable = 3,
}

/// <summary>One fragment of a deal: where it is, its digests and its health.</summary>
[GenerateSerializer]
[Alias("marketplace.deal-fragment")]
public sealed class DealFragment
{
    /// <summary>Its index (0 to k + m - 1; the first k hold the blob's bytes).</summary>
    [Id(0)] public int Index { get; set; }

    /// <summary>The provider holding it.</summary>
    [Id(1)] public string ProviderId { get; set; } = "";

    /// <summary>SHA-256 of the whole fragment (hex): its content address.</summary>
    [Id(2)] public string Sha256 { get; set; } = "";

    /// <summary>The Merkle root of its chunks (hex), against which audits are checked.</summary>
    [Id(3)] public string MerkleRoot { get; set; } = "";

    /// <summary>What the last check found.</summary>
    [Id(4)] public FragmentHealth Health { get; set; }

    /// <summary>When it was last audited (null before the first audit).</summary>
    [Id(5)] public DateTimeOffset? AuditedAt { get; set; }

    /// <summary>Audits it passed.</summary>
    [Id(6)] public int AuditsPassed { get; set; }

    /// <summary>Audits it failed.</summary>
    [Id(7)] public int AuditsFailed { get; set; }

    /// <summary>Its provider's price per GiB-month when it was placed there.</summary>
    [JsonPropertyName("price_per_gib_month")]
    [Id(8)] public long PricePerGiBMonth { get; set; }

    /// <summary>Its provider's signed commitment to the fragment's digests (null for a fragment stored before
    /// providers signed): a signed audit answer that contradicts it is evidence against the provider.</summary>
    [Id(9)] public FragmentCommitment? Commitment { get; set; }
}

/// <summary>A state the deal entered, and when.</summary>
[GenerateSerializer]
[Alias("marketplace.deal-transition")]
[Immutable]
public sealed class DealTransition
{
    /// <summary>The state entered.</summary>
    [Id(0)] public DealState State { get; set; }

    /// <summary>When.</summary>
    [Id(1)] public DateTimeOffset At { get; set; }

    /// <summary>Why, in words.</summary>
    [Id(2)] public string Reason { get; set; } = "";
}

/// <summary>A provider placement did not use, and why.</summary>
[GenerateSerializer]
[Alias("marketplace.provider-refusal")]
[Immutable]
public sealed class ProviderRefusal
{
    /// <summary>The provider.</summary>
    [Id(0)] public string ProviderId { get; set; } = "";

    /// <summary>Why: <c>offline</c>, <c>not_enough_space</c>, <c>price_above_maximum</c>, <c>holds_a_fragment</c>,
    /// <c>stake_below_minimum</c>, <c>reputation_unavailable</c>, <c>banned</c>, <c>reputation_below_minimum</c>,
    /// <c>not_needed</c>.</summary>
    [Id(1)] public string Reason { get; set; } = "";
}

/// <summary>A storage deal as its client sees it (<c>GET /v1/deals/{id}</c>, <c>marketplace deal-status</c>).</summary>
[GenerateSerializer]
[Alias("marketplace.deal-status")]
public sealed class DealStatus
{
    /// <summary>The deal's id.</summary>
    [Id(0)] public string DealId { get; set; } = "";

    /// <summary>The client who stored it.</summary>
    [Id(1)] public string ClientId { get; set; } = "";

    /// <summary>Where it is.</summary>
    [Id(2)] public DealState State { get; set; }

    /// <summary>The erasure code.</summary>
    [Id(3)] public DurabilityPolicy Policy { get; set; } = DurabilityPolicy.Dev;

    /// <summary>The blob's length in bytes.</summary>
    [Id(4)] public long Length { get; set; }

    /// <summary>SHA-256 of the blob (hex).</summary>
    [Id(5)] public string ContentSha256 { get; set; } = "";

    /// <summary>Bytes per chunk of each fragment (the unit of audits).</summary>
    [Id(6)] public int ChunkSize { get; set; }

    /// <summary>Chunks per fragment.</summary>
    [Id(7)] public int ChunkCount { get; set; }

    /// <summary>The fragments, by index.</summary>
    [Id(8)] public List<DealFragment> Fragments { get; set; } = [];

    /// <summary>The states it went through, oldest first.</summary>
    [Id(9)] public List<DealTransition> History { get; set; } = [];

    /// <summary>Providers placement (or the last repair) considered and did not use, and why.</summary>
    [Id(10)] public List<ProviderRefusal> WhyNotPlaced { get; set; } = [];

    /// <summary>When it was created.</summary>
    [Id(11)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The highest price per GiB-month the client accepts (placement and repair keep to it).</summary>
    [JsonPropertyName("max_price_per_gib_month")]
    [Id(12)] public long MaxPricePerGiBMonth { get; set; }

    /// <summary>Whether the deal pays its providers through the settlement (the settlement's terms were enabled
    /// when it was created).</summary>
    [Id(13)] public bool Paid { get; set; }

    /// <summary>Payment periods settled: each fragment's escrow for the period paid to its provider when the
    /// fragment was healthy at the period's end, refunded to the client otherwise.</summary>
    [Id(14)] public int PeriodsSettled { get; set; }

    /// <summary>Why payments stopped (the client's balance ran out), or empty.</summary>
    [Id(15)] public string PaymentProblem { get; set; } = "";

    /// <summary>The blob id of the stored bytes (<c>blob</c> + the Merkle root of their blob-layer chunks, as
    /// <c>POST /v1/blobs</c> would name them), so <c>GET /v1/blobs/{id}</c> reads the deal for its client; empty until
    /// the bytes are stored.</summary>
    [Id(16)] public string BlobId { get; set; } = "";

    /// <summary>When the deal's term ends (<see cref="CreatedAt"/> plus the duration the client asked for): the first
    /// audit round from then on settles the last period, deletes the fragments and ends the deal.</summary>
    [Id(17)] public DateTimeOffset EndsAt { get; set; }

    /// <summary>Fragments whose last check found them healthy.</summary>
    public int HealthyFragments => Fragments.Count(f => f.Health == FragmentHealth.Healthy);
}
