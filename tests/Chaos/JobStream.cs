using System.Diagnostics;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Chaos;

/// <summary>
/// A steady stream of counter jobs through the silos' published ports, as a client behind a simple load balancer
/// would send it: job i goes to silo i mod 3; a try that gets no 2xx answer within the try timeout is sent again,
/// with the same request id, to the next silo, up to <see cref="MaxTries"/> tries.
/// </summary>
internal sealed class JobStream
{
    /// <summary>Tries per job before the client gives up on it.</summary>
    public const int MaxTries = 6;

    /// <summary>How long one try waits for its answer: shorter than the SDK's (which waits as long as the silo takes),
    /// longer than the silo's own wait for a job grain on a dead silo (<c>Marketplace:Jobs:SubmitFailoverWait</c>,
    /// 8 s), so a try is answered rather than abandoned while the cluster declares a dead silo.</summary>
    public static readonly TimeSpan TryTimeout = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<(string Service, HttpMarketplaceClient Client)> _silos;
    private readonly string _program;
    private readonly string _prefix;

    public JobStream(IReadOnlyList<(string Service, HttpMarketplaceClient Client)> silos, string program, string prefix)
    {
        _silos = silos;
        _program = program;
        _prefix = prefix;
    }

    /// <summary>Sends <paramref name="rate"/> jobs a second until <paramref name="stop"/> is cancelled, then waits for
    /// the submissions still trying. Returns every job that was due.</summary>
    public async Task<List<SubmittedJob>> RunAsync(double rate, CancellationToken stop)
    {
        var jobs = new List<SubmittedJob>();
        var running = new List<Task>();
        var watch = Stopwatch.StartNew();
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var dueIn = TimeSpan.FromSeconds(i / rate);
            var wait = dueIn - watch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var job = new SubmittedJob(i, $"{_prefix}-{i:D5}", start + dueIn);
            jobs.Add(job);
            running.Add(SubmitAsync(job));
        }

        await Task.WhenAll(running);
        return jobs;
    }

    private async Task SubmitAsync(SubmittedJob job)
    {
        var submission = new JobSubmission
        {
            RequestId = job.RequestId,
            Program = _program,
            InputInline = Encoding.UTF8.GetBytes(job.Counter),
            MaxFuel = 100_000,
        };
        for (var attempt = 0; attempt < MaxTries; attempt++)
        {
            var (service, client) = _silos[(job.Index + attempt) % _silos.Count];
            job.Tries++;
            var sentAt = DateTimeOffset.UtcNow;
            job.LastTryAt = sentAt;
            using var timeout = new CancellationTokenSource(TryTimeout);
            try
            {
                var info = await client.SubmitJobAsync(submission, timeout.Token);
                lock (job)
                {
                    job.JobIds.Add(info.JobId);
                    job.AcceptedAt = DateTimeOffset.UtcNow;
                    job.AcceptedBy = service;
                }

                return;
            }
            catch (OperationCanceledException)
            {
                job.Refusals.Add($"{service}: no answer in {TryTimeout.TotalSeconds:0} s");
                job.Unanswered.Add((service, sentAt));
            }
            catch (HttpApiException e)
            {
                job.Refusals.Add(e.Status == 0 ? $"{service}: no connection" : $"{service}: {e.Status} {e.Code}");
                if (e.Code is "rate_limited" or "unavailable")
                {
                    // The client's rate is one budget for the cluster, and a cluster condition (a silo not yet
                    // declared dead) reaches every silo: another silo would refuse too. Wait the second the answer's
                    // Retry-After asks for, as a client should.
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
            catch (MarketplaceException e)
            {
                job.Refusals.Add($"{service}: {e.Code}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
