using Marketplace.Silo.Api;
using Xunit;

namespace Marketplace.Api.Tests.Signing;

/// <summary>The per-silo nonce cache: replays refused for their lifetime, and each signing key held to its share so
/// one client cannot fill the cache for the others.</summary>
public sealed class NonceCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    [Fact]
    public void A_key_that_filled_its_share_is_refused_while_another_key_still_records()
    {
        var cache = new NonceCache(capacity: 8, keys: 2);
        Assert.Equal(4, cache.KeyShare);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(NonceResult.Fresh, cache.TryRecord("greedy", $"nonce-greedy-{i:D8}", Now, Lifetime));
        }

        Assert.Equal(NonceResult.KeyFull, cache.TryRecord("greedy", "nonce-greedy-one-more", Now, Lifetime));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(NonceResult.Fresh, cache.TryRecord("polite", $"nonce-polite-{i:D8}", Now, Lifetime));
        }

        // A replay is still a replay, not a full cache.
        Assert.Equal(NonceResult.Replayed, cache.TryRecord("greedy", "nonce-greedy-00000000", Now, Lifetime));
    }

    [Fact]
    public void A_full_share_frees_as_its_nonces_expire()
    {
        var cache = new NonceCache(capacity: 4, keys: 2);
        Assert.Equal(NonceResult.Fresh, cache.TryRecord("k", "nonce-first-000000", Now, Lifetime));
        Assert.Equal(NonceResult.Fresh, cache.TryRecord("k", "nonce-second-00000", Now + TimeSpan.FromMinutes(5), Lifetime));
        Assert.Equal(NonceResult.KeyFull, cache.TryRecord("k", "nonce-third-000000", Now + TimeSpan.FromMinutes(6), Lifetime));

        // Past the first nonce's lifetime its place is free again, and the first nonce may be used anew.
        var later = Now + Lifetime + TimeSpan.FromSeconds(1);
        Assert.Equal(NonceResult.Fresh, cache.TryRecord("k", "nonce-third-000000", later, Lifetime));
        Assert.Equal(NonceResult.KeyFull, cache.TryRecord("k", "nonce-first-000000", later, Lifetime));
        Assert.Equal(NonceResult.Replayed, cache.TryRecord("k", "nonce-second-00000", later, Lifetime));
    }
}
