using System.Collections.Concurrent;

namespace Marketplace.Grains.Jobs.TestHooks;

/// <summary>A settlement call a job makes.</summary>
internal enum SettlementCall
{
    /// <summary>The escrow at submit.</summary>
    Escrow,

    /// <summary>The pay or refund at the end.</summary>
    Settle,
}

/// <summary>
/// Fault injection for tests: makes the next settlement calls of a job fail with a <see cref="TimeoutException"/>,
/// either before the call reaches the ledger (the ledger was unreachable) or after it was applied (the answer was
/// lost). Not registered by the marketplace; a test silo adds it (<c>services.AddSingleton&lt;SettlementFaultInjection&gt;()</c>).
/// </summary>
internal sealed class SettlementFaultInjection
{
    private readonly ConcurrentDictionary<(SettlementCall, string, bool), int> _faults = new();
    private readonly ConcurrentDictionary<string, int> _injected = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="count"/> <paramref name="call"/>s of <paramref name="jobId"/> fail before
    /// reaching the ledger.</summary>
    public void FailBefore(SettlementCall call, string jobId, int count) => _faults[(call, jobId, false)] = count;

    /// <summary>The next <paramref name="count"/> <paramref name="call"/>s of <paramref name="jobId"/> are applied by
    /// the ledger, then fail as if the answer was lost.</summary>
    public void FailAfter(SettlementCall call, string jobId, int count) => _faults[(call, jobId, true)] = count;

    /// <summary>Settlement calls of <paramref name="jobId"/> failed so far by injection.</summary>
    public int Injected(string jobId) => _injected.TryGetValue(jobId, out var n) ? n : 0;

    internal void Before(SettlementCall call, string jobId) => Fail((call, jobId, false), "before it reached the ledger");

    internal void After(SettlementCall call, string jobId) => Fail((call, jobId, true), "after the ledger applied it");

    private void Fail((SettlementCall Call, string JobId, bool After) key, string when)
    {
        if (_faults.TryGetValue(key, out var left) && left > 0)
        {
            _faults[key] = left - 1;
            _injected.AddOrUpdate(key.JobId, 1, static (_, n) => n + 1);
            throw new TimeoutException($"injected {key.Call} fault for job {key.JobId} {when}");
        }
    }
}
