namespace Marketplace.Grains.Storage;

/// <summary>The storage market's settings, bound from <c>Marketplace:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Storage";

    /// <summary>The service key of the clock deals read (the silo's <see cref="TimeProvider"/> unless one is
    /// registered under this key, as tests do to move payment periods without moving the silo's own clock).</summary>
    public const string ClockKey = "marketplace.storage.clock";

    /// <summary>The providers this silo hosts (<c>Marketplace:Storage:Providers:0:Id=p1</c>, ...); when empty, the
    /// <see cref="DefaultProviders"/> default providers.</summary>
    public List<StorageProviderOptions> Providers { get; set; } = [];

    /// <summary>Providers hosted when <see cref="Providers"/> is empty, each with the default capacity and price
    /// (default 0 here; the silo host sets 6, enough for one default 4+2 deal on a silo of its own).</summary>
    public int DefaultProviders { get; set; }

    /// <summary>The most default providers a silo may host: 64.</summary>
    public const int MaxDefaultProviders = 64;

    /// <summary>Id prefix of the default providers: <c>{prefix}1</c>, <c>{prefix}2</c>, ... (default <c>p</c>).
    /// Provider ids are unique in a cluster, so each silo of a cluster needs its own prefix (the silo host sets one
    /// from its silo port when none is configured).</summary>
    public string DefaultProviderPrefix { get; set; } = "p";

    /// <summary>The providers this silo hosts: <see cref="Providers"/>, else the default ones.</summary>
    internal List<StorageProviderOptions> Hosted()
    {
        if (Providers.Count > 0 || DefaultProviders is <= 0 or > MaxDefaultProviders)
        {
            return Providers;
        }

        var defaults = new List<StorageProviderOptions>(DefaultProviders);
        for (var i = 1; i <= DefaultProviders; i++)
        {
            defaults.Add(new StorageProviderOptions { Id = DefaultProviderPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return defaults;
    }

    /// <summary>The largest value <see cref="MaxDealBytes"/> may take: 16 GiB.</summary>
    public const long MaxDealBytesLimit = 16L << 30;

    /// <summary>The largest blob one deal stores (default 64 MiB; at most 16 GiB). Uploads, reads and repairs stream
    /// stripe by stripe, so this bounds disk use and time, not memory.</summary>
    public long MaxDealBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Deal uploads one client may have under way at once on one silo (default 4, at least 1): each holds
    /// space on k + m providers until it ends, so a client cannot hold every provider's space with uploads it never
    /// finishes. One more is refused <c>quota_exceeded</c> (HTTP 429).</summary>
    public int MaxConcurrentDealUploadsPerClient { get; set; } = 4;

    /// <summary>Deals one client may have placing or active at once (default 1,000; 1 to 10,000, the deal ids a
    /// client's list keeps). One more is refused <c>quota_exceeded</c> (HTTP 429) until the client deletes a deal or
    /// one ends.</summary>
    public int MaxDealsPerClient { get; set; } = 1_000;

    /// <summary>The most <see cref="MaxDealsPerClient"/> may be: 10,000.</summary>
    public const int MaxDealsPerClientLimit = 10_000;

    /// <summary>How long a deal may stay placing (its upload begun and not completed) before it ends as its client's
    /// delete would, its escrow refunded, its quota released and its providers' space given back (default 1 h; at least
    /// 1 minute). When the largest deal (<see cref="MaxDealBytes"/>) takes longer than that at
    /// <see cref="MinUploadBytesPerSecond"/>, that time plus 10 minutes applies instead, so no upload the silo still
    /// waits for is cut. It ends at the first audit round past it.</summary>
    public TimeSpan PlacingTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary><see cref="PlacingTimeout"/>, or the time the largest deal takes at the slowest allowed rate plus 10
    /// minutes when that is longer.</summary>
    internal TimeSpan EffectivePlacingTimeout => MinUploadBytesPerSecond > 0
        ? TimeSpan.FromTicks(Math.Max(PlacingTimeout.Ticks, TimeSpan.FromSeconds(Math.Ceiling((double)MaxDealBytes / MinUploadBytesPerSecond)).Ticks + TimeSpan.FromMinutes(10).Ticks))
        : PlacingTimeout;

    /// <summary>The slowest a deal upload's body may arrive, in bytes per second of the silo waiting for it, once it
    /// has waited 5 s in all (default 65,536: 64 KiB/s, so the largest default deal waits at most about 17 minutes for
    /// its client); a slower upload is aborted and stores nothing. <c>0</c>: the server's own minimum (240 bytes a
    /// second).</summary>
    public long MinUploadBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>The buffer budget of one streamed upload, read or repair (default 16 MiB, at least 1 MiB): fragment
    /// pieces are a third of the budget's share per fragment, in whole chunks (an upload holds two pieces per fragment
    /// and one stripe), and never smaller than one chunk, so a policy with many fragments needs at least 3 (k + m)
    /// chunks of up to 64 KiB (1.2 MiB for 4+2, 4.5 MiB for 16+8) to stay within it.</summary>
    public long TransferBufferBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The mean time between two audit rounds of a deal (default 10 minutes); each round is drawn at a
    /// random time from half to one and a half of it, so providers cannot tell when the next one comes.</summary>
    public TimeSpan AuditInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Random chunks asked of each fragment per audit round (default 2).</summary>
    public int ChallengesPerFragment { get; set; } = 2;

    /// <summary>How often providers are paid (default 1 day): each period every fragment's price is escrowed from
    /// the client at its start and, at its end, paid to the provider when the fragment passed its last audit,
    /// refunded otherwise. Prices are per GiB-month of 30 days.</summary>
    public TimeSpan PaymentPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a fragment fetch or an audit answer may take (default 30 s); a slower provider counts as
    /// unreachable.</summary>
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bonded stake (in the settlement, <see cref="GrainInterfaces.ISettlement.GetStakeAsync"/> under the
    /// provider's id) a provider needs to be given fragments, in the ledger's smallest unit (default 0: no stake
    /// needed). Placement and repair pass over a provider below it with the reason <c>stake_below_minimum</c>.</summary>
    public long MinimumProviderStake { get; set; }

    /// <summary>Lowest reputation score (the provider's reputation grain, in [0, 1]) with which a provider is given
    /// fragments (default 0.5, as for workers' bids): a fresh provider starts at the prior, 0.8. Placement and repair
    /// pass over a provider below it with the reason <c>reputation_below_minimum</c>, and over a banned one with
    /// <c>banned</c>; among the rest, the cheaper comes first and, at one price, the better reputation. 0 gives
    /// fragments to every provider that is not banned.</summary>
    public double MinimumProviderReputation { get; set; } = 0.5;
}

/// <summary>One storage provider a silo hosts.</summary>
public sealed class StorageProviderOptions
{
    /// <summary>Its id (1-64 characters of letters, digits, '-', '_' and '.').</summary>
    public string Id { get; set; } = "";

    /// <summary>Where it keeps fragments; empty means <c>{Marketplace:DataFolder}/providers/{Id}</c>.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Bytes it may hold (default 1 GiB).</summary>
    public long CapacityBytes { get; set; } = 1L << 30;

    /// <summary>What it asks per GiB-month in the ledger's smallest unit (default 1,000,000: one price unit).</summary>
    public long PricePerGiBMonth { get; set; } = 1_000_000;

    /// <summary>Free-form labels.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];
}
