using System.Collections.Concurrent;

namespace Marketplace.Grains.Settlement;

/// <summary>
/// Fault injection for tests: the settlement grain "crashes" right after a transaction whose outbox key starts with
/// a given prefix was sent, before its receipt is recorded (it throws <see cref="SimulatedCrashException"/> and drops
/// its activation). Not registered by the marketplace; a test silo adds it as a singleton.
/// </summary>
internal sealed class SettlementFaults
{
    private readonly ConcurrentDictionary<string, int> _crashes = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="count"/> sends whose key starts with <paramref name="prefix"/> crash.</summary>
    public void CrashAfterSend(string prefix, int count = 1) => _crashes[prefix] = count;

    /// <summary>Crashes injected so far.</summary>
    public int Injected { get; private set; }

    internal void AfterSend(string key)
    {
        foreach (var (prefix, left) in _crashes)
        {
            if (left > 0 && key.StartsWith(prefix, StringComparison.Ordinal) && _crashes.TryUpdate(prefix, left - 1, left))
            {
                Injected++;
                throw new SimulatedCrashException($"injected crash after sending {key}");
            }
        }
    }
}

/// <summary>The crash <see cref="SettlementFaults"/> injects.</summary>
[GenerateSerializer]
[Alias("marketplace.chain-settlement-simulated-crash")]
internal sealed class SimulatedCrashException(string message) : Exception(message);
