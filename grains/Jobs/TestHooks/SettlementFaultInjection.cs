using System.Collections.Concurrent;

namespace Marketplace.Grains.Jobs.TestHooks;

/// <summary>
/// Fault injection for tests: makes the next settlement calls of a job fail with a <see cref="TimeoutException"/>,
/// either before the call reaches the ledger (the ledger was unreachable) or after it was applied (the answer was
/// lost). Not registered by the marketplace; a test silo adds it (<c>services.AddSingleton&lt;SettlementFaultInjection&gt;()</c>).
/// </summary>
internal sealed class SettlementFaultInjection
{
    private readonly ConcurrentDictionary<string, int> _before = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _after = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _injected = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="count"/> settlement calls of <paramref name="jobId"/> fail before reaching
    /// the ledger.</summary>
    public void FailBefore(string jobId, int count) => _before[jobId] = count;

    /// <summary>The next <paramref name="count"/> settlement calls of <paramref name="jobId"/> are applied by the
    /// ledger, then fail as if the answer was lost.</summary>
    public void FailAfter(string jobId, int count) => _after[jobId] = count;

    /// <summary>Settlement calls of <paramref name="jobId"/> that failed so far by injection.</summary>
    public int Injected(string jobId) => _injected.TryGetValue(jobId, out var n) ? n : 0;

    internal void Before(string jobId) => Fail(_before, jobId, "before it reached the ledger");

    internal void After(string jobId) => Fail(_after, jobId, "after the ledger applied it");

    private void Fail(ConcurrentDictionary<string, int> faults, string jobId, string when)
    {
        if (faults.TryGetValue(jobId, out var left) && left > 0)
        {
            faults[jobId] = left - 1;
            _injected.AddOrUpdate(jobId, 1, static (_, n) => n + 1);
            throw new TimeoutException($"injected settlement fault for job {jobId} {when}");
        }
    }
}
