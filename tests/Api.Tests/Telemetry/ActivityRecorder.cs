using System.Collections.Concurrent;
using System.Diagnostics;

namespace Marketplace.Api.Tests.Telemetry;

/// <summary>
/// Records the activities of the named sources that stop while it lives (every silo of this test process included), so
/// a test can wait for the span it expects. Sampling is left to the parent: a trace the caller marked sampled is
/// recorded end to end.
/// </summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly SemaphoreSlim _signal = new(0);

    public ActivityRecorder(params string[] sourcePrefixes)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => Array.Exists(sourcePrefixes, prefix => source.Name.StartsWith(prefix, StringComparison.Ordinal)),
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
            ActivityStopped = activity =>
            {
                _stopped.Enqueue(activity);
                _signal.Release();
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The stopped activities of <paramref name="traceId"/> so far.</summary>
    public List<Activity> InTrace(ActivityTraceId traceId) => _stopped.Where(a => a.TraceId == traceId).ToList();

    /// <summary>Waits until an activity matching <paramref name="match"/> has stopped, at most <paramref name="timeout"/>.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_stopped.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            try
            {
                await _signal.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching activity stopped within {timeout.TotalSeconds:0} s; saw {_stopped.Count}: "
                    + string.Join(", ", _stopped.Take(40).Select(a => $"{a.Source.Name}:{a.DisplayName}")));
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _signal.Dispose();
    }
}
