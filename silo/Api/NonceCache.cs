// Design: a replayed signed request must fail even though its signature is good, so every verified (key id, nonce)
// is remembered until its request's timestamp could no longer pass the skew check: an entry lives 2 × skew, which
// covers a timestamp at the far future edge of the window. The cache is per silo and bounded: expired entries are
// swept when it fills (and every few thousand inserts); when it is full of live nonces a signed request is refused
// rather than forgetting a nonce that could then be replayed. Each signing key may hold at most its share of the
// capacity (capacity / number of keys), so one client signing as fast as it can fills its own share and is refused
// (429) while every other key keeps room: the shares add up to the capacity, so the whole cache never fills.
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Marketplace.Silo.Api;

/// <summary>The nonces of verified signed requests this silo has seen, each kept for twice the signature skew.</summary>
internal sealed class NonceCache
{
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<(string KeyId, string Nonce), long> _expiries = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _perKey = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly int _keyShare;
    private readonly Lock _sweepLock = new();
    private int _insertsSinceSweep;

    /// <summary>A cache of at most <paramref name="capacity"/> nonces, each of <paramref name="keys"/> signing keys
    /// holding at most an equal share.</summary>
    public NonceCache(int capacity, int keys = 1)
    {
        _capacity = capacity;
        _keyShare = Math.Max(1, capacity / Math.Max(1, keys));
    }

    /// <summary>Most live nonces one signing key may hold.</summary>
    public int KeyShare => _keyShare;

    /// <summary>Entries currently held (expired ones included until the next sweep).</summary>
    public int Count => _expiries.Count;

    /// <summary>Records the nonce unless it is held and unexpired at <paramref name="now"/>.</summary>
    /// <returns><see cref="NonceResult.Fresh"/> when recorded, <see cref="NonceResult.Replayed"/> when seen before,
    /// <see cref="NonceResult.KeyFull"/> when the key holds its share of live nonces, <see cref="NonceResult.Full"/>
    /// when the cache holds <c>capacity</c> live nonces.</returns>
    public NonceResult TryRecord(string keyId, string nonce, DateTimeOffset now, TimeSpan lifetime)
    {
        var nowTicks = now.UtcTicks;
        var held = _perKey.GetOrAdd(keyId, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref _insertsSinceSweep) >= SweepEvery || _expiries.Count >= _capacity || Volatile.Read(ref held.Value) >= _keyShare)
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

            if (Volatile.Read(ref held.Value) >= _keyShare)
            {
                return NonceResult.KeyFull;
            }

            if (_expiries.Count >= _capacity)
            {
                return NonceResult.Full;
            }

            if (_expiries.TryAdd(key, expiry))
            {
                Interlocked.Increment(ref held.Value);
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
                if (expiry <= nowTicks
                    && _expiries.TryRemove(new KeyValuePair<(string, string), long>(key, expiry))
                    && _perKey.TryGetValue(key.KeyId, out var held))
                {
                    Interlocked.Decrement(ref held.Value);
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

    /// <summary>The signing key holds its share of the cache in live nonces.</summary>
    KeyFull,

    /// <summary>The cache is full of live nonces.</summary>
    Full,
}
