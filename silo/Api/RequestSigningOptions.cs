namespace Marketplace.Silo.Api;

/// <summary>
/// Signed requests, read from section <c>Marketplace:Api</c>: the signing keys (key id → client and secret), the
/// clients that must sign, the accepted clock skew and the bound of the nonce cache. silo/README.md ("Signed
/// requests") describes the layout.
/// </summary>
internal sealed class RequestSigningOptions
{
    /// <summary>Configuration section (shared with the API keys).</summary>
    public const string Section = "Marketplace:Api";

    /// <summary>Signing keys by key id (1-64 characters of <c>[A-Za-z0-9_.-]</c>); none by default.</summary>
    public Dictionary<string, SigningKey> SigningKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Clients (by client id) whose unsigned requests answer 401 <c>signature_required</c>; none by default.</summary>
    public Dictionary<string, bool> RequireSignedRequests { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How far a request's timestamp may be from the silo's clock, either way: 5 minutes by default. A nonce
    /// is remembered for twice this.</summary>
    public TimeSpan SignatureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most nonces remembered at once by this silo: 1,000,000 by default (about 100 MB at most). When full
    /// of unexpired nonces, signed requests answer 503 <c>unavailable</c> until some expire.</summary>
    public int NonceCacheCapacity { get; set; } = 1_000_000;

    /// <summary>Whether <paramref name="clientId"/> must sign every request.</summary>
    public bool Requires(string clientId) => RequireSignedRequests.TryGetValue(clientId, out var required) && required;
}

/// <summary>One signing key: the client it belongs to and its secret.</summary>
internal sealed class SigningKey
{
    /// <summary>The client id the key belongs to (the client of the request's API key must be this one).</summary>
    public string Client { get; set; } = "";

    /// <summary>The HMAC-SHA256 secret, base64, at least 32 bytes.</summary>
    public string Secret { get; set; } = "";
}
