using System.Collections.Concurrent;

namespace Marketplace.Runtime.Messaging;

/// <summary>
/// Pending calls by correlation id, swept periodically for expired ones. A timeout means "unknown outcome": the request
/// may still run; the runtime never retries.
/// </summary>
internal sealed class CallTracker : IDisposable
{
    private readonly ConcurrentDictionary<long, ITrackedCall> _calls = new();
    private readonly Timer _sweeper;

    public CallTracker(TimeSpan sweepInterval)
    {
        _sweeper = new Timer(static s => ((CallTracker)s!).Sweep(), this, sweepInterval, sweepInterval);
    }

    public int Count => _calls.Count;

    public void Add(long id, ITrackedCall call) => _calls[id] = call;

    public void Remove(long id) => _calls.TryRemove(id, out _);

    public bool TryGet(long id, out ITrackedCall? call) => _calls.TryGetValue(id, out call);

    /// <summary>Fails every pending call (silo shutdown).</summary>
    public void FailAll(Exception exception)
    {
        foreach (var pair in _calls)
        {
            if (_calls.TryRemove(pair.Key, out var call))
            {
                call.Fail(exception);
            }
        }
    }

    public static TimeoutException TimeoutFor(Message request, TimeSpan timeout) =>
        new($"Response did not arrive on time in {timeout} for {request.MethodName} on {request.Target} (call #{request.Id}). The request may still run: the outcome is unknown.");

    public void Dispose() => _sweeper.Dispose();

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var pair in _calls)
        {
            if (pair.Value.ExpiresAt <= now && _calls.TryRemove(pair.Key, out var call))
            {
                call.OnTimeout();
            }
        }
    }
}
