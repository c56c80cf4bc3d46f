// Design: a replayed signed request must fail even though its signature is good, so every verified (key id, nonce)
// is remembered until its request's timestamp could no longer pass the skew check: an entry lives 2 × skew, which
// covers a timestamp at the far future edge of the window. The cache is per silo and bounded: expired entries are
// swept when it fills (and every few thousand inserts); when it is full of live nonces a signed request is refused
// (503) rather than forgetting a nonce that could then be replayed.
using System.Collections.Concurrent;

namespace Marketplace.Silo.Api;

/// <summary>The nonces of verified signed requests this silo has seen, each kept for twice the signature skew.</summary>
internal sealed class NonceCache
{
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<(string KeyId, string Nonce), long> _expiries = new();
    private readonly int _capacity;
    private readonly Lock _sweepLock = new();
    private int _insertsSinceSweep;

    public NonceCache(int capacity) => _capacity = capacity;

    /// <summary>Entries currently held (expired ones included until the next sweep).</summary>
    public int Count => _expiries.Count;

    /// <summary>Records the nonce unless it is held and unexpired at <paramref name="now"/>.</summary>
    /// <returns><see cref="NonceResult.Fresh"/> when recorded, <see cref="NonceResult.Replayed"/> when seen before,
    /// <see cref="NonceResult.Full"/> when the cache holds <c>capacity</c> live nonces.</returns>
    public NonceResult TryRecord(string keyId, string nonce, DateTimeOffset now, TimeSpan lifetime)
    {
        var nowTicks = now.UtcTicks;
        if (Interlocked.Increment(ref _insertsSinceSweep) >= SweepEvery || _expiries.Count >= _capacity)
        {
            Sweep(nowTicks);
        }

        var expiry = nowTicks + lifetime.Ticks;
        var key = (keyId, nonce);
        while (true)
        {
            if (_expiries.TryGetValue(key, out var existing))
            {
                if (existing > nowTicks)
                {
                    return NonceResult.Replayed;
                }

                if (_expiries.TryUpdate(key, expiry, existing))
                {
                    return NonceResult.Fresh;
                }

                continue;
            }

            if (_expiries.Count >= _capacity)
            {
                return NonceResult.Full;
            }

            if (_expiries.TryAdd(key, expiry))
            {
                return NonceResult.Fresh;
            }
        }
    }

    private void Sweep(long nowTicks)
    {
        lock (_sweepLock)
        {
            _insertsSinceSweep = 0;
            foreach (var (key, expiry) in _expiries)
            {
                if (expiry <= nowTicks)
                {
                    _expiries.TryRemove(new KeyValuePair<(string, string), long>(key, expiry));
                }
            }
        }
    }
}

/// <summary>What <see cref="NonceCache.TryRecord"/> found.</summary>
internal enum NonceResult
{
    /// <summary>Not seen before; now recorded.</summary>
    Fresh,

    /// <summary>Seen within its lifetime.</summary>
    Replayed,

    /// <summary>The cache is full of live nonces.</summary>
    Full,
}
