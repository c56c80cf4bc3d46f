using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>The client's quotas. Unfinished jobs and fuel per hour are checked when a job reserves its place (before
/// it is stored); concurrent jobs hold places handed out in submit order, and a finished job passes its place to the
/// next waiting job with a one-way call.</summary>
internal sealed partial class ClientJobsGrain
{
    private readonly Dictionary<string, long> _reserved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly Queue<string> _waitingToStart = new();
    private readonly HashSet<string> _waitingSet = new(StringComparer.Ordinal);
    private long _unfinishedFuel;

    private string ClientId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task ReserveAsync(string jobId, long maxFuel)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFuel);
        if (_index.ContainsKey(jobId) || _reserved.ContainsKey(jobId))
        {
            return Task.CompletedTask; // the same job again: already counted
        }

        var limit = _options.UnfinishedJobLimit(ClientId);
        if (_unfinished + _reserved.Count >= limit)
        {
            throw new QuotaExceededException($"this client has {_unfinished + _reserved.Count} unfinished jobs, its limit; submit more once some have finished");
        }

        if (_options.FuelPerHourLimit(ClientId) is var fuelLimit and > 0)
        {
            var burned = state.State.FuelWindow.Sum(DateTimeOffset.UtcNow);
            if (burned + _unfinishedFuel + maxFuel > fuelLimit)
            {
                throw new QuotaExceededException(string.Create(CultureInfo.InvariantCulture,
                    $"fuel per hour: this client burned {burned:N0} fuel in the last hour and its unfinished jobs may burn {_unfinishedFuel:N0} more; this job's budget of {maxFuel:N0} would pass its limit of {fuelLimit:N0}. Submit it later or with a smaller max_fuel"));
            }
        }

        _reserved[jobId] = maxFuel;
        _unfinishedFuel += maxFuel;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReleaseReservationAsync(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ReleaseReservation(jobId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> TryStartAsync(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (_started.Contains(jobId))
        {
            return Task.FromResult(true);
        }

        if (_started.Count < _options.ConcurrentJobLimit(ClientId) && _waitingToStart.Count == 0)
        {
            _started.Add(jobId);
            return Task.FromResult(true);
        }

        if (_waitingSet.Add(jobId))
        {
            _waitingToStart.Enqueue(jobId);
        }

        PassPlaces();
        return Task.FromResult(_started.Contains(jobId));
    }

    /// <summary>A reserved job was stored (or given up): its reservation becomes (or leaves) the list's count.</summary>
    private void ReleaseReservation(string jobId)
    {
        if (_reserved.Remove(jobId, out var fuel))
        {
            _unfinishedFuel -= fuel;
        }
    }

    /// <summary>Books a finished job's fuel in the hour and passes its concurrent place on.</summary>
    private void OnFinished(JobSummary job)
    {
        state.State.FuelWindow.Add(DateTimeOffset.UtcNow, job.FuelConsumed);
        _waitingSet.Remove(job.JobId);
        if (_started.Remove(job.JobId))
        {
            PassPlaces();
        }
    }

    /// <summary>Hands free concurrent places to waiting jobs in submit order and wakes each (one-way).</summary>
    private void PassPlaces()
    {
        var limit = _options.ConcurrentJobLimit(ClientId);
        while (_started.Count < limit && _waitingToStart.TryDequeue(out var next))
        {
            if (!_waitingSet.Remove(next))
            {
                continue; // finished while it waited
            }

            _started.Add(next);
            _ = jobGrains.Create(next).RoomAvailableAsync();
        }
    }
}
