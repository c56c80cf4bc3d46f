using System.Diagnostics;
using System.Globalization;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Chaos;

internal sealed partial class ChaosRun
{
    /// <summary>Clients of the capacity probe, each with one job in flight: enough to keep a 2-core cluster busy
    /// although each waits for its job by polling.</summary>
    private const int ProbeClients = 32;

    /// <summary>The share of the measured capacity the rounds stream at: the faults need headroom to be absorbed in,
    /// as an operator keeps it.</summary>
    private const double StreamShare = 0.7;

    private static readonly TimeSpan ProbeWarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbeWindow = TimeSpan.FromSeconds(20);

    /// <summary>The rounds' rate: <c>--rate</c> when given; else 70 % of the counter jobs a second the cluster
    /// completes with <see cref="ProbeClients"/> clients each submitting a job and waiting for it, at most
    /// <see cref="ChaosSettings.Rate"/> (30). A round's goals are about faults, not about a cluster loaded past what
    /// it completes: a machine slower than the one the rate was set on got a backlog before any fault.</summary>
    private async Task<double> StreamRateAsync(string program)
    {
        if (settings.RateGiven)
        {
            return settings.Rate;
        }

        using var stop = new CancellationTokenSource(ProbeWarmUp + ProbeWindow);
        var watch = Stopwatch.StartNew();
        var completed = 0;
        var refused = 0;
        var clients = Enumerable.Range(0, ProbeClients).Select(c => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var (_, client) = _silos[(c + n) % _silos.Count];
                var submission = new JobSubmission
                {
                    RequestId = $"probe-{settings.RunId}-{c:D2}-{n:D5}",
                    Program = program,
                    InputInline = Encoding.UTF8.GetBytes($"probe-{settings.RunId}-{c:D2}"),
                    MaxFuel = 100_000,
                };
                try
                {
                    var job = await client.SubmitJobAsync(submission, stop.Token);
                    var done = await client.WaitForJobAsync(job.JobId, TimeSpan.FromMinutes(1), stop.Token);
                    if (done.Status == JobStatus.Completed && watch.Elapsed >= ProbeWarmUp)
                    {
                        Interlocked.Increment(ref completed);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is MarketplaceException or TimeoutException or HttpRequestException or OperationCanceledException)
                {
                    // Refused, or no answer in time: the cluster is at capacity, which is what the probe measures.
                    Interlocked.Increment(ref refused);
                    await Task.Delay(TimeSpan.FromMilliseconds(100));
                }
            }
        })).ToList();
        await Task.WhenAll(clients);

        var capacity = completed / ProbeWindow.TotalSeconds;
        var rate = Math.Clamp(Math.Floor(capacity * StreamShare), 5, settings.Rate);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[chaos] capacity: {capacity:0.0} counter jobs completed a second by {ProbeClients} clients each waiting for its job ({ProbeWindow.TotalSeconds:0} s after {ProbeWarmUp.TotalSeconds:0} s of warm-up, {refused} tries refused); the rounds stream at {rate:0} jobs/s ({StreamShare:P0} of it, at most {settings.Rate:0})"));
        return rate;
    }
}
