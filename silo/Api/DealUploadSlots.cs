// Design: a deal upload reserves space on k + m providers when it starts and holds it until it ends, so uploads that
// crawl (or never finish) can hold every provider's space. Each silo counts the uploads each client has under way
// and refuses one past StorageOptions.MaxConcurrentDealUploadsPerClient; MinimumRateBody, from
// StorageOptions.MinUploadBytesPerSecond, bounds how long each may take (it counts only the time spent waiting for the
// client, which Kestrel's own minimum rate could not tell apart). Counted per silo, in memory:
// a slot is a request in flight on this silo, so it cannot outlive the silo, and a client spreading its uploads over
// n silos gets at most n times the limit.
using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Api;

/// <summary>The deal uploads each client has under way on this silo.</summary>
internal sealed class DealUploadSlots
{
    private readonly ConcurrentDictionary<string, int> _inUse = new(StringComparer.Ordinal);

    /// <summary>Takes one of <paramref name="clientId"/>'s <paramref name="limit"/> slots until the returned handle is
    /// disposed.</summary>
    /// <exception cref="QuotaExceededException">The client already has <paramref name="limit"/> uploads under way.</exception>
    public Slot Take(string clientId, int limit)
    {
        while (true)
        {
            var current = _inUse.GetOrAdd(clientId, 0);
            if (current >= limit)
            {
                throw new QuotaExceededException($"client {clientId} already has {current} deal uploads under way on this silo, the most it may have at once ({limit}); retry when one ends");
            }

            if (_inUse.TryUpdate(clientId, current + 1, current))
            {
                return new Slot(this, clientId);
            }
        }
    }

    /// <summary>Uploads <paramref name="clientId"/> has under way.</summary>
    public int InUse(string clientId) => _inUse.TryGetValue(clientId, out var n) ? n : 0;

    private void Give(string clientId)
    {
        while (true)
        {
            var current = _inUse[clientId];
            if (current <= 1)
            {
                if (_inUse.TryRemove(new KeyValuePair<string, int>(clientId, current)))
                {
                    return;
                }
            }
            else if (_inUse.TryUpdate(clientId, current - 1, current))
            {
                return;
            }
        }
    }

    /// <summary>One slot taken; disposing gives it back (once).</summary>
    public sealed class Slot(DealUploadSlots slots, string clientId) : IDisposable
    {
        private int _given;

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _given, 1) == 0)
            {
                slots.Give(clientId);
            }
        }
    }
}
