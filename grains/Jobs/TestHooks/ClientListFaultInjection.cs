using System.Collections.Concurrent;

namespace Marketplace.Grains.Jobs.TestHooks;

/// <summary>
/// Fault injection for tests: the ends of a client's jobs do not reach the client's list, as when the list's silo died
/// while the jobs finished (the job's call fails with an <see cref="OrleansException"/>). Not registered by the
/// marketplace; a test silo adds it (<c>services.AddSingleton&lt;ClientListFaultInjection&gt;()</c>).
/// </summary>
internal sealed class ClientListFaultInjection
{
    private readonly ConcurrentDictionary<string, bool> _dropped = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.Ordinal);

    /// <summary>From now on the submit path's calls to <paramref name="clientId"/>'s list fail as when its silo died
    /// (<see cref="ClientListCalls"/>).</summary>
    public void FailSubmitCalls(string clientId) => _unreachable[clientId] = true;

    /// <summary>How many submit-path calls were refused by <see cref="FailSubmitCalls"/>.</summary>
    public int RefusedSubmitCalls => _refusedSubmitCalls;

    private int _refusedSubmitCalls;

    /// <summary>From now on the ends of <paramref name="clientId"/>'s jobs are lost on their way to its list.</summary>
    public void DropEnds(string clientId) => _dropped[clientId] = true;

    /// <summary>The ends and submit-path calls of <paramref name="clientId"/>'s jobs reach its list again.</summary>
    public void Restore(string clientId)
    {
        _dropped.TryRemove(clientId, out _);
        _unreachable.TryRemove(clientId, out _);
    }

    internal void BeforeSubmitCall(string clientId)
    {
        if (_unreachable.ContainsKey(clientId))
        {
            Interlocked.Increment(ref _refusedSubmitCalls);
            throw new OrleansException($"injected: the list of client {clientId} is unreachable");
        }
    }

    internal void BeforeEnd(string clientId)
    {
        if (_dropped.ContainsKey(clientId))
        {
            throw new OrleansException($"injected: the list of client {clientId} is unreachable");
        }
    }
}
