using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Marketplace.Jobs.Bench;

/// <summary>
/// <c>--count</c>: the grain calls (by interface and method, as the called grain sees them) and the grain state reads
/// and writes (Orleans' <c>orleans-storage-*-latency</c> instruments, one measurement per operation) of the whole
/// process, so the throughput phase's totals divided by its jobs give the cost of one job.
/// </summary>
internal sealed class PerJobCounts : IIncomingGrainCallFilter, IDisposable
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();
    private long _writes;
    private long _reads;

    public PerJobCounts()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "orleans-storage-write-latency" or "orleans-storage-read-latency")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => Count(instrument));
        _listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => Count(instrument));
        _listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => Count(instrument));
        _listener.Start();
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        _calls.AddOrUpdate(context.InterfaceName + "." + context.MethodName, 1, static (_, n) => n + 1);
        await context.Invoke();
    }

    /// <summary>The counts so far.</summary>
    public (Dictionary<string, long> Calls, long Writes, long Reads) Snapshot() =>
        (new Dictionary<string, long>(_calls, StringComparer.Ordinal), Interlocked.Read(ref _writes), Interlocked.Read(ref _reads));

    /// <summary>Prints what happened between <paramref name="before"/> and now, per job of <paramref name="jobs"/>.</summary>
    public void Print((Dictionary<string, long> Calls, long Writes, long Reads) before, int jobs)
    {
        var now = Snapshot();
        var rows = now.Calls
            .Select(kv => (Name: kv.Key, Count: kv.Value - before.Calls.GetValueOrDefault(kv.Key)))
            .Where(r => r.Count > 0)
            .OrderByDescending(r => r.Count)
            .ToList();
        var total = rows.Sum(r => r.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per job: {(double)total / jobs:0.00} grain calls, {(double)(now.Writes - before.Writes) / jobs:0.00} grain state writes, {(double)(now.Reads - before.Reads) / jobs:0.00} grain state reads"));
        foreach (var (name, count) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {(double)count / jobs,6:0.00}  {name}"));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Count(Instrument instrument)
    {
        if (instrument.Name == "orleans-storage-write-latency")
        {
            Interlocked.Increment(ref _writes);
        }
        else
        {
            Interlocked.Increment(ref _reads);
        }
    }
}
