// Design: one scenario = a call delegate run by C concurrent callers for a fixed wall-clock time after a warm-up.
// Throughput counts completed calls over the measured time; latency is timed per call with Stopwatch timestamps, each
// caller writing into its own preallocated array (no shared state, no allocation while measuring), merged and sorted
// once at the end for p50/p99. "At once" = share of calls whose task was complete when the call returned (no
// thread-pool hop). Allocated bytes per call = process-wide allocated bytes over the measured time / calls. All callers
// start together behind a gate, and with several callers each takes its turn through the thread pool's FIFO queue, so
// "64 callers" keeps all 64 in play (see RunCallersAsync).
using System.Diagnostics;

namespace Marketplace.Grains.Bench;

/// <summary>Result of one scenario.</summary>
internal sealed record Measurement(string Scenario, int Callers, long Calls, double Seconds, double CallsPerSecond, double P50Micros, double P99Micros, double AllocatedBytesPerCall, double CompletedAtOnce);

/// <summary>Runs call scenarios.</summary>
internal static class CallBenchmark
{
    private const int MaxSamplesPerCaller = 4_000_000;

    /// <summary>Runs <paramref name="call"/> (given caller index and iteration) from <paramref name="callers"/> callers.</summary>
    public static async Task<Measurement> RunAsync(string scenario, int callers, TimeSpan warmup, TimeSpan duration, Func<int, int, Task<int>> call)
    {
        await RunCallersAsync(callers, warmup, call, null);
        var samples = new long[callers][];
        var counts = new int[callers];
        var atOnce = new int[callers];
        for (var c = 0; c < callers; c++)
        {
            samples[c] = new long[Math.Min(MaxSamplesPerCaller, 20_000_000 / callers)];
        }

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var seconds = await RunCallersAsync(callers, duration, call, (samples, counts, atOnce));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        long total = 0;
        long completedAtOnce = 0;
        for (var c = 0; c < callers; c++)
        {
            total += counts[c];
            completedAtOnce += atOnce[c];
        }

        var all = new long[Math.Min(total, samples.Sum(s => (long)s.Length))];
        var at = 0;
        for (var c = 0; c < callers; c++)
        {
            var n = Math.Min(counts[c], samples[c].Length);
            Array.Copy(samples[c], 0, all, at, n);
            at += n;
        }

        Array.Sort(all, 0, at);
        return new Measurement(scenario, callers, total, seconds, total / seconds, Percentile(all, at, 0.50), Percentile(all, at, 0.99), total == 0 ? 0 : (double)allocated / total, total == 0 ? 0 : (double)completedAtOnce / total);
    }

    private static async Task<double> RunCallersAsync(int callers, TimeSpan duration, Func<int, int, Task<int>> call, (long[][] Samples, int[] Counts, int[] AtOnce)? record)
    {
        // Every caller is started on the thread pool and parked on the gate before the clock starts: started one by
        // one while others' calls keep the pool's local queues busy, late callers would sit in the global queue for
        // up to hundreds of milliseconds and "64 callers" would mean a handful. The gate completes synchronously, so
        // opening it issues every caller's first call from this thread at once.
        var gate = new TaskCompletionSource();
        var allParked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parked = 0;
        long stopAt = 0;
        var tasks = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            var caller = c;
            tasks[c] = Task.Run(async () =>
            {
                if (Interlocked.Increment(ref parked) == callers)
                {
                    allParked.SetResult();
                }

                await gate.Task;
                var samples = record?.Samples[caller];
                var i = 0;
                var atOnce = 0;
                while (true)
                {
                    var before = Stopwatch.GetTimestamp();
                    if (before >= stopAt)
                    {
                        break;
                    }

                    var pending = call(caller, i);
                    atOnce += pending.IsCompleted ? 1 : 0;
                    var result = await pending;
                    if (result != i + 1)
                    {
                        throw new InvalidOperationException($"Wrong result {result} for {i}.");
                    }

                    if (samples is not null && i < samples.Length)
                    {
                        samples[i] = Stopwatch.GetTimestamp() - before;
                    }

                    i++;

                    // With several callers, the next call waits its turn in the pool's global (FIFO) queue: resumed
                    // from the pool's local (LIFO) queues, the few callers that run first would keep the two threads
                    // busy and the others would wait out most of the run.
                    if (callers > 1)
                    {
                        await Task.Yield();
                    }
                }

                if (record is { } r)
                {
                    r.Counts[caller] = i;
                    r.AtOnce[caller] = atOnce;
                }
            });
        }

        await allParked.Task;
        var started = Stopwatch.GetTimestamp();
        stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        gate.SetResult();
        await Task.WhenAll(tasks);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static double Percentile(long[] sorted, int count, double p)
    {
        if (count == 0)
        {
            return double.NaN;
        }

        var index = Math.Min(count - 1, (int)Math.Ceiling(p * count) - 1);
        return sorted[Math.Max(0, index)] * 1_000_000.0 / Stopwatch.Frequency;
    }
}
