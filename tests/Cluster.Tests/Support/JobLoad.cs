// Design: the client side of a fault test. Jobs are submitted at a steady rate (one every Interval, each submit in
// its own task so a slow silo does not slow the rate) through the API of whichever silos are currently targets. Every
// submit carries a request id, so a submit whose answer was lost (the silo died mid-call) is retried with the same id
// on another silo and reaches the same job: a job is "accepted" once any silo answered 202 for it. The audit then
// waits, bounded, until every accepted job is terminal and reads each one's log to count its completions.
using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>A job the cluster accepted.</summary>
/// <param name="JobId">The job id (derived from the client and request id).</param>
/// <param name="RequestId">The request id of every submit of this job.</param>
/// <param name="AcceptedAt">When a silo answered 202.</param>
/// <param name="Via">The silo that answered.</param>
/// <param name="Tries">Submit calls it took.</param>
public sealed record SubmittedJob(string JobId, string RequestId, DateTimeOffset AcceptedAt, string Via, int Tries);

/// <summary>A terminal job and what its log says about its attempts.</summary>
/// <param name="Info">The job as the API reports it.</param>
/// <param name="Completions">Log lines recording a completion (exactly one for a job completed once).</param>
/// <param name="Attempts">The attempt assignments its log records.</param>
public sealed record JobOutcome(JobInfo Info, int Completions, IReadOnlyList<string> Attempts);

/// <summary>Submits jobs at a steady rate and audits their outcomes.</summary>
public sealed class JobLoad : IAsyncDisposable
{
    private static readonly TimeSpan SubmitBound = TimeSpan.FromSeconds(90);
    private readonly Func<IReadOnlyList<SiloProcess>> _targets;
    private readonly string _program;
    private readonly byte[] _input;
    private readonly string _prefix;
    private readonly ConcurrentBag<SubmittedJob> _accepted = [];
    private readonly ConcurrentBag<string> _abandoned = [];
    private readonly ConcurrentBag<Task> _submits = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _next;
    private int _retriedCalls;

    private JobLoad(Func<IReadOnlyList<SiloProcess>> targets, string program, byte[] input, TimeSpan interval)
    {
        _targets = targets;
        _program = program;
        _input = input;
        _prefix = Guid.NewGuid().ToString("N")[..8];
        _loop = Task.Run(() => RunAsync(interval));
    }

    /// <summary>Jobs accepted so far.</summary>
    public IReadOnlyList<SubmittedJob> Accepted => [.. _accepted];

    /// <summary>Submit calls that failed and were retried on another silo.</summary>
    public int RetriedCalls => Volatile.Read(ref _retriedCalls);

    /// <summary>Starts submitting one job of <paramref name="program"/> every <paramref name="interval"/> through the
    /// silos <paramref name="targets"/> returns at each submit.</summary>
    public static JobLoad Start(Func<IReadOnlyList<SiloProcess>> targets, string program, byte[] input, TimeSpan interval) =>
        new(targets, program, input, interval);

    /// <summary>Waits until at least <paramref name="count"/> jobs were accepted (bounded).</summary>
    public async Task WaitAcceptedAsync(int count, TimeSpan bound)
    {
        await Eventually.Until(() => Task.FromResult(_accepted.Count >= count || !_abandoned.IsEmpty), bound,
            () => $"{count} accepted jobs (have {_accepted.Count}, {RetriedCalls} submit calls retried)");
        ThrowIfAbandoned();
    }

    /// <summary>Throws when a submit was refused for good or found no silo within its bound.</summary>
    public void ThrowIfAbandoned()
    {
        if (!_abandoned.IsEmpty)
        {
            throw new InvalidOperationException($"{_abandoned.Count} submits were refused or found no silo within {SubmitBound.TotalSeconds:0} s: {string.Join("; ", _abandoned.Take(3))}");
        }
    }

    /// <summary>Stops submitting and waits for the submits in flight; fails when a job could not be submitted
    /// anywhere within the bound.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await Task.WhenAll(_submits);
        ThrowIfAbandoned();
    }

    /// <summary>Waits (bounded) until every job in <paramref name="jobs"/> is terminal, reading through the silos
    /// <paramref name="silos"/> returns, then reads every job's log.</summary>
    public static async Task<IReadOnlyList<JobOutcome>> AuditAsync(IReadOnlyList<SubmittedJob> jobs, Func<IReadOnlyList<SiloProcess>> silos, TimeSpan bound)
    {
        var clients = new ClientPool();
        var terminal = new ConcurrentDictionary<string, JobInfo>(StringComparer.Ordinal);
        var last = new ConcurrentDictionary<string, JobInfo>(StringComparer.Ordinal);
        var errors = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (terminal.Count < jobs.Count)
        {
            var pending = jobs.Where(j => !terminal.ContainsKey(j.JobId)).ToList();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (job, _) =>
            {
                if (await clients.TryAsync(silos(), c => c.GetJobAsync(job.JobId), e => errors[job.JobId] = $"{e.GetType().Name}: {e.Message}") is { } info)
                {
                    last[job.JobId] = info;
                    if (IsTerminal(info.Status))
                    {
                        terminal[job.JobId] = info;
                    }
                }
            });
            if (terminal.Count == jobs.Count)
            {
                break;
            }

            if (deadline.Elapsed > bound)
            {
                var stuck = jobs.Where(j => !terminal.ContainsKey(j.JobId))
                    .Select(j => $"{j.JobId} {(last.TryGetValue(j.JobId, out var i) ? i.Status + " on " + i.WorkerId : "unreadable")}"
                        + (errors.TryGetValue(j.JobId, out var error) ? $" (last error: {error})" : ""));
                // The first stuck job's own log says where it stopped.
                var first = jobs.First(j => !terminal.ContainsKey(j.JobId));
                var log = await clients.TryAsync(silos(), async c => (await c.GetJobLogsAsync(first.JobId, null, PageLimits.Max)).Items);
                var lines = log is null ? "unreadable" : string.Join("\n  ", log.Select(l => $"{l.Timestamp:HH:mm:ss.fff} {l.Level} {l.Message}"));
                throw new TimeoutException($"{jobs.Count - terminal.Count} of {jobs.Count} accepted jobs are not terminal after {bound.TotalSeconds:0} s: {string.Join(", ", stuck.Take(10))}\nlog of {first.JobId}:\n  {lines}");
            }

            await Task.Delay(250);
        }

        var outcomes = new ConcurrentBag<JobOutcome>();
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (job, _) =>
        {
            Exception? error = null;
            var logs = await clients.TryAsync(silos(), async c => (await c.GetJobLogsAsync(job.JobId, null, PageLimits.Max)).Items, e => error = e)
                ?? throw new InvalidOperationException($"no silo answered for the log of {job.JobId}", error);
            var completions = logs.Count(l => l.Message.StartsWith("completed on worker", StringComparison.Ordinal));
            var attempts = logs.Where(l => l.Message.StartsWith("attempt ", StringComparison.Ordinal)).Select(l => l.Message).ToList();
            outcomes.Add(new JobOutcome(terminal[job.JobId], completions, attempts));
        });
        clients.Dispose();
        return [.. outcomes];
    }

    /// <summary>True for the terminal statuses.</summary>
    public static bool IsTerminal(JobStatus status) => status >= JobStatus.Completed;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        try
        {
            await _loop;
            await Task.WhenAll(_submits);
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private async Task RunAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                var n = Interlocked.Increment(ref _next);
                _submits.Add(SubmitAsync($"load-{_prefix}-{n}", n, _input));
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>Submits <paramref name="count"/> extra jobs with <paramref name="input"/> at once (counted among
    /// <see cref="Accepted"/>) and returns their ids once all were accepted.</summary>
    public async Task<IReadOnlyList<string>> SubmitBurstAsync(int count, byte[] input)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"burst-{_prefix}-{Interlocked.Increment(ref _next)}").ToList();
        await Task.WhenAll(ids.Select((id, i) => SubmitAsync(id, i, input)));
        ThrowIfAbandoned();
        var accepted = ids.ToHashSet(StringComparer.Ordinal);
        return _accepted.Where(j => accepted.Contains(j.RequestId)).Select(j => j.JobId).ToList();
    }

    private async Task SubmitAsync(string requestId, int n, byte[] input)
    {
        using var clients = new ClientPool();
        var started = Stopwatch.StartNew();
        var submission = new JobSubmission { Program = _program, RequestId = requestId, InputInline = input, MaxRetries = 10 /* the most the API allows */, MaxFuel = JobLimits.MaxFuel, TimeoutMs = 60_000 };
        for (var tries = 1; ; tries++)
        {
            var targets = _targets();
            if (targets.Count > 0)
            {
                var silo = targets[(n + tries) % targets.Count];
                try
                {
                    var job = await clients.For(silo).SubmitJobAsync(submission);
                    _accepted.Add(new SubmittedJob(job.JobId, requestId, DateTimeOffset.UtcNow, silo.Name, tries));
                    return;
                }
                catch (Exception e) when (e is HttpApiException or HttpRequestException or TaskCanceledException)
                {
                    // The silo is gone, busy or answered 5xx: the same request id on another silo reaches the same job.
                    Interlocked.Increment(ref _retriedCalls);
                }
                catch (MarketplaceException e)
                {
                    _abandoned.Add($"{requestId}: {e.GetType().Name}: {e.Message}");
                    return;
                }
            }

            if (started.Elapsed > SubmitBound)
            {
                _abandoned.Add(requestId);
                return;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>One sdk client per silo, with a 10 s request timeout, and "try each running silo" reads.</summary>
    private sealed class ClientPool : IDisposable
    {
        private readonly ConcurrentDictionary<SiloProcess, (HttpClient Http, HttpMarketplaceClient Client)> _clients = new();

        public HttpMarketplaceClient For(SiloProcess silo) => _clients.GetOrAdd(silo, s =>
        {
            var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            return (http, new HttpMarketplaceClient(http, s.BaseAddress, SiloCluster.ApiKey));
        }).Client;

        public async Task<T?> TryAsync<T>(IReadOnlyList<SiloProcess> silos, Func<HttpMarketplaceClient, Task<T>> call, Action<Exception>? failed = null)
            where T : class
        {
            foreach (var silo in silos)
            {
                try
                {
                    return await call(For(silo));
                }
                catch (Exception e) when (e is HttpApiException or HttpRequestException or TaskCanceledException)
                {
                    // This silo is gone, busy or answered 5xx; ask the next one (the caller keeps the last error).
                    failed?.Invoke(e);
                }
            }

            return null;
        }

        public void Dispose()
        {
            foreach (var (http, _) in _clients.Values)
            {
                http.Dispose();
            }
        }
    }
}
