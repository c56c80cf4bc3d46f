namespace Marketplace.Silo.Api;

/// <summary>
/// Requests per second each client (API key) may send, section <c>Marketplace:Api:RateLimit</c>: a token bucket per
/// client that holds <see cref="Burst"/> requests and refills at <see cref="RequestsPerSecond"/>. A request over the
/// limit answers 429 <c>rate_limited</c> with <c>Retry-After</c>. Public endpoints (health, OpenAPI) are not limited.
/// </summary>
internal sealed class RateLimitOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Marketplace:Api:RateLimit";

    /// <summary>Off switch for benchmarks on a trusted machine; on by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests per second per client: 200 by default.</summary>
    public int RequestsPerSecond { get; set; } = 200;

    /// <summary>Requests a client may send at once before the sustained rate applies: 400 by default.</summary>
    public int Burst { get; set; } = 400;

    /// <summary>Limits for particular clients (client id → limit), overriding the defaults above.</summary>
    public Dictionary<string, ClientRateLimit> Clients { get; set; } = new(StringComparer.Ordinal);

    private ClientRateLimit? _default;

    /// <summary>The limit that applies to <paramref name="clientId"/>.</summary>
    public ClientRateLimit For(string clientId) =>
        Clients.TryGetValue(clientId, out var limit)
            ? limit
            : _default is { } known && known.RequestsPerSecond == RequestsPerSecond && known.Burst == Burst
                ? known
                : _default = new ClientRateLimit { RequestsPerSecond = RequestsPerSecond, Burst = Burst };
}

/// <summary>One client's request rate.</summary>
internal sealed class ClientRateLimit
{
    /// <summary>Sustained requests per second.</summary>
    public int RequestsPerSecond { get; set; }

    /// <summary>Requests at once before the sustained rate applies.</summary>
    public int Burst { get; set; }
}
