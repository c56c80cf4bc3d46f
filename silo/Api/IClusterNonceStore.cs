namespace Marketplace.Silo.Api;

/// <summary>
/// Records the nonces of verified signed requests for the whole cluster, beside each silo's own
/// <see cref="NonceCache"/>: a request captured at one silo and replayed at another is refused there too. Registered
/// in the PostgreSql cluster mode (<see cref="PostgreSqlClusterNonceStore"/>); a single localhost silo has none.
/// </summary>
internal interface IClusterNonceStore
{
    /// <summary>Records the pair until <paramref name="expiresAt"/> unless it is recorded and unexpired at
    /// <paramref name="now"/>; false for a replay. A store that cannot answer throws (the request then fails, 503).</summary>
    Task<bool> TryRecordAsync(string keyId, string nonce, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
