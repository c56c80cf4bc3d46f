// Design: one grain per client lists its jobs. Every job of a busy client passes through it twice (submit, end), so
// calls only touch memory (list + index by id) and writes are coalesced: a change arms a flush after
// ClientListFlushDelay, and deactivation flushes. The jobs themselves are durable; after a crash the list may miss
// the changes of the last flush delay (documented in the README). A job's final update is also pushed to the
// client's subscribed observers (IJobEventsObserver, Orleans' ObserverManager with expiring subscriptions): one
// one-way message per finished job and listener, none when nobody listens.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace Marketplace.Grains.Jobs;

/// <summary>The jobs of one client (key = client id). Reentrant: adds and updates go on while a flush writes.</summary>
[Reentrant]
internal sealed class ClientJobsGrain(
    [PersistentState("client-jobs")] IPersistentState<ClientJobsState> state,
    IOptions<JobsOptions> options,
    ILogger<ClientJobsGrain> log) : Grain, IClientJobsGrain
{
    private readonly JobsOptions _options = options.Value;
    private readonly ObserverManager<IJobEventsObserver> _observers = new(JobEvents.SubscriptionLifetime, log);
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private int _unfinished;
    private IGrainTimer? _flush;
    private bool _dirty;
    private long _version;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Reindex();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task AddAsync(JobSummary job)
    {
        ArgumentNullException.ThrowIfNull(job);
        _reserved.Remove(job.JobId);
        if (_index.TryGetValue(job.JobId, out var at))
        {
            if (!IsUnfinished(state.State.Jobs[at].Status))
            {
                // A finished job's summary is final: an add overtaken by its final update changes nothing.
                return Task.CompletedTask;
            }

            _unfinished += (IsUnfinished(job.Status) ? 1 : 0) - 1;
            state.State.Jobs[at] = job;
        }
        else
        {
            _unfinished += IsUnfinished(job.Status) ? 1 : 0;
            _index[job.JobId] = state.State.Jobs.Count;
            state.State.Jobs.Add(job);
            state.State.Sequences.Add(state.State.NextSequence++);
            Trim();
        }

        MarkDirty();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReserveAsync(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var limit = _options.UnfinishedJobsPerClient.TryGetValue(this.GetPrimaryKeyString(), out var own) ? own : _options.MaxUnfinishedJobsPerClient;
        if (!_index.ContainsKey(jobId) && !_reserved.Contains(jobId) && _unfinished + _reserved.Count >= limit)
        {
            throw new QuotaExceededException($"this client has {_unfinished + _reserved.Count} unfinished jobs, its limit; submit more once some have finished");
        }

        _reserved.Add(jobId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task UpdateAsync(JobSummary job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var known = _index.TryGetValue(job.JobId, out var at) ? state.State.Jobs[at] : null;
        await AddAsync(job);
        if (!IsUnfinished(job.Status) && (known is null || IsUnfinished(known.Status)) && _observers.Count > 0)
        {
            await _observers.Notify(observer => observer.JobFinishedAsync(job));
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(IJobEventsObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IJobEventsObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<JobSummaryPage> ListAsync(JobStatus? status, long? before, int limit)
    {
        PageLimits.Check(limit);
        var jobs = state.State.Jobs;
        var sequences = state.State.Sequences;

        // Newest first: start at the last job below the position (sequences ascend with the list).
        var i = jobs.Count - 1;
        if (before is { } position)
        {
            var at = sequences.BinarySearch(position);
            i = (at >= 0 ? at : ~at) - 1;
        }

        var page = new JobSummaryPage { Jobs = new List<JobSummary>(Math.Clamp(i + 1, 0, limit)) };
        var last = -1;
        for (; i >= 0; i--)
        {
            if (status is not null && jobs[i].Status != status)
            {
                continue;
            }

            if (page.Jobs.Count == limit)
            {
                // One more job matches: the page ends at the last one returned.
                page.Next = sequences[last];
                break;
            }

            page.Jobs.Add(jobs[i]);
            last = i;
        }

        return Task.FromResult(page);
    }

    private void Trim()
    {
        var jobs = state.State.Jobs;
        var max = _options.MaxClientJobs;
        if (jobs.Count <= max + (max / 8))
        {
            return;
        }

        // Oldest finished jobs go first; unfinished ones stay listed, so the quota on unfinished jobs counts them all.
        var kept = new List<JobSummary>(max);
        var keptSequences = new List<long>(max);
        var excess = jobs.Count - max;
        for (var i = 0; i < jobs.Count; i++)
        {
            if (excess > 0 && !IsUnfinished(jobs[i].Status))
            {
                excess--;
                continue;
            }

            kept.Add(jobs[i]);
            keptSequences.Add(state.State.Sequences[i]);
        }

        state.State.Jobs = kept;
        state.State.Sequences = keptSequences;
        Reindex();
    }

    private void Reindex()
    {
        _index.Clear();
        _unfinished = 0;
        var jobs = state.State.Jobs;
        if (state.State.Sequences.Count != jobs.Count)
        {
            // A record of an earlier version, without positions.
            state.State.Sequences = [.. Enumerable.Range(1, jobs.Count).Select(n => (long)n)];
            state.State.NextSequence = jobs.Count + 1;
        }

        for (var i = 0; i < jobs.Count; i++)
        {
            _index[jobs[i].JobId] = i;
            _unfinished += IsUnfinished(jobs[i].Status) ? 1 : 0;
        }
    }

    private static bool IsUnfinished(JobStatus status) => status < JobStatus.Completed;

    private void MarkDirty()
    {
        _dirty = true;
        _version++;
        ArmFlush();
    }

    private void ArmFlush() =>
        _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(_options.ClientListFlushDelay, Timeout.InfiniteTimeSpan));

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        _flush?.Dispose();
        _flush = null;
        if (_dirty)
        {
            // Changes made while the write is in flight keep the grain dirty and arm the next flush.
            var version = _version;
            await state.WriteStateAsync();
            if (_version == version)
            {
                _dirty = false;
            }
            else
            {
                ArmFlush();
            }
        }
    }
}
