// Design: the attempts a worker has accepted wait here for a run slot, one FIFO per client, and a free slot takes the
// head of the client that has had the least of this worker so far: start-time fair queuing, where a client's virtual
// time grows by one unit per attempt it starts plus one unit per FuelPerUnit fuel its attempts burned. A client that
// floods the worker therefore waits behind its own backlog, and a client that arrives later starts next. A client
// that had nothing queued joins at the virtual time of the attempt started last (never below it), so idling earns
// no credit to spend later. Everything runs under one lock: the queue holds tens of attempts, not thousands.

namespace Marketplace.Grains.Workers;

/// <summary>Accepted attempts of one worker, taken fairly across clients.</summary>
/// <typeparam name="T">The attempt.</typeparam>
internal sealed class FairAttemptQueue<T>
    where T : class
{
    /// <summary>Fuel that counts as one more unit of virtual time: 10,000,000.</summary>
    public const long FuelPerUnit = 10_000_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, ClientQueue> _clients = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _available = new(0);
    private double _virtualNow;
    private long _arrivals;
    private int _count;
    private bool _completed;

    /// <summary>Attempts waiting.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Attempts of <paramref name="clientId"/> waiting.</summary>
    public int CountOf(string clientId)
    {
        lock (_gate)
        {
            return _clients.TryGetValue(clientId, out var queue) ? queue.Items.Count : 0;
        }
    }

    /// <summary>Adds an attempt of <paramref name="clientId"/>; false once <see cref="Complete"/> was called.</summary>
    public bool Enqueue(string clientId, T item)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            if (!_clients.TryGetValue(clientId, out var queue))
            {
                _clients[clientId] = queue = new ClientQueue();
            }

            if (queue.Items.Count == 0)
            {
                queue.VirtualTime = Math.Max(queue.VirtualTime, _virtualNow);
            }

            queue.Items.Enqueue((item, _arrivals++));
            _count++;
        }

        _available.Release();
        return true;
    }

    /// <summary>Waits for the next attempt in fair order; null once <see cref="Complete"/> was called and nothing
    /// is left.</summary>
    public async Task<(string ClientId, T Item)?> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (TakeNext() is { } next)
                {
                    return next;
                }

                if (_completed)
                {
                    _available.Release(); // wake the next waiter to see the end too
                    return null;
                }
            }
        }
    }

    /// <summary>Charges <paramref name="clientId"/> for <paramref name="fuelConsumed"/> fuel its attempt burned.</summary>
    public void Charge(string clientId, long fuelConsumed)
    {
        lock (_gate)
        {
            if (_clients.TryGetValue(clientId, out var queue))
            {
                queue.VirtualTime += Math.Max(0, fuelConsumed) / (double)FuelPerUnit;
            }
        }
    }

    /// <summary>Stops taking attempts; waiters get null once the queue is empty.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
        }

        _available.Release();
    }

    /// <summary>Removes and returns every waiting attempt.</summary>
    public List<T> Drain()
    {
        lock (_gate)
        {
            var all = new List<T>(_count);
            foreach (var queue in _clients.Values)
            {
                while (queue.Items.TryDequeue(out var entry))
                {
                    all.Add(entry.Item);
                }
            }

            _count = 0;
            return all;
        }
    }

    private (string ClientId, T Item)? TakeNext()
    {
        string? bestClient = null;
        ClientQueue? best = null;
        foreach (var (clientId, queue) in _clients)
        {
            if (queue.Items.Count == 0)
            {
                continue;
            }

            if (best is null
                || queue.VirtualTime < best.VirtualTime
                || (queue.VirtualTime == best.VirtualTime && queue.Items.Peek().Arrival < best.Items.Peek().Arrival))
            {
                best = queue;
                bestClient = clientId;
            }
        }

        if (best is null)
        {
            return null;
        }

        var (item, _) = best.Items.Dequeue();
        _count--;
        _virtualNow = best.VirtualTime;
        best.VirtualTime += 1;
        if (best.Items.Count == 0 && _clients.Count > 64)
        {
            // Forget idle clients once many have passed through; a returning client joins at the current time anyway.
            _clients.Remove(bestClient!);
        }

        return (bestClient!, item);
    }

    private sealed class ClientQueue
    {
        public Queue<(T Item, long Arrival)> Items { get; } = new();

        public double VirtualTime { get; set; }
    }
}
