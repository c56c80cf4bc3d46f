using Marketplace.Persistence.PostgreSql;

namespace Marketplace.Silo.Api;

/// <summary>The cluster's nonces in its PostgreSQL database (table <c>MarketplaceRequestNonces</c>).</summary>
internal sealed class PostgreSqlClusterNonceStore(string connectionString) : IClusterNonceStore, IAsyncDisposable
{
    private readonly PostgreSqlRequestNonces _nonces = new(connectionString);

    public Task<bool> TryRecordAsync(string keyId, string nonce, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        _nonces.TryRecordAsync(keyId, nonce, now, expiresAt, cancellationToken);

    public ValueTask DisposeAsync() => _nonces.DisposeAsync();
}
