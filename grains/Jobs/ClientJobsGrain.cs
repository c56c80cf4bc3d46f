// Design: one grain per client lists its jobs and keeps its quotas. Every job of a busy client passes through it
// twice (submit, end), so calls only touch memory (list + index by id) and writes are coalesced: a change arms a
// flush after ClientListFlushDelay, and deactivation flushes. The jobs themselves are durable; after a crash the list
// may miss the changes of the last flush delay (documented in the README), and its checks read the ends it missed
// from the jobs (ClientJobsGrain.Checks.cs). The quotas (ClientJobsGrain.Quotas.cs)
// ride on the same two calls: unfinished jobs and fuel per hour are checked when a job reserves its place, and a
// client's concurrent jobs hold places handed out in submit order. A job's final update is also pushed to the
// client's subscribed observers (ClientJobsGrain.Events.cs).
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Marketplace.Grains.Jobs;

/// <summary>The jobs of one client (key = client id). Reentrant: adds and updates go on while a flush writes.</summary>
[Reentrant]
internal sealed partial class ClientJobsGrain(
    [PersistentState("client-jobs")] IPersistentState<ClientJobsState> state,
    IOptions<JobsOptions> options,
    GrainReferences<IJobAttemptGrain> jobGrains,
    IServiceProvider services,
    ILogger<ClientJobsGrain> log) : Grain, IClientJobsGrain
{
    private readonly JobsOptions _options = options.Value;
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private int _unfinished;
    private IGrainTimer? _flush;
    private bool _dirty;
    private long _version;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Reindex();
        StartChecks();
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
        Record(job);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task UpdateAsync(JobSummary job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (Record(job))
        {
            OnFinished(job);
            await NotifyFinishedAsync(job);
        }
    }

    /// <summary>Lists or updates <paramref name="job"/>; true when this is the change that finished it.</summary>
    private bool Record(JobSummary job)
    {
        ReleaseReservation(job.JobId);
        var finishedNow = !IsUnfinished(job.Status);
        if (_index.TryGetValue(job.JobId, out var at))
        {
            var listed = state.State.Jobs[at];
            if (!IsUnfinished(listed.Status))
            {
                // A finished job's summary is final: an add overtaken by its final update changes nothing.
                return false;
            }

            _unfinished += (finishedNow ? 0 : 1) - 1;
            _unfinishedFuel -= listed.MaxFuel;
            state.State.Jobs[at] = job;
        }
        else
        {
            _unfinished += finishedNow ? 0 : 1;
            _index[job.JobId] = state.State.Jobs.Count;
            state.State.Jobs.Add(job);
            state.State.Sequences.Add(state.State.NextSequence++);
            Trim();
        }

        if (!finishedNow)
        {
            _unfinishedFuel += job.MaxFuel;
        }

        MarkDirty();
        return finishedNow;
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
        _unfinishedFuel = 0;
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
            if (IsUnfinished(jobs[i].Status))
            {
                _unfinished++;
                _unfinishedFuel += jobs[i].MaxFuel;
            }
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
