using System.Globalization;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Jobs;

/// <summary>The client's quotas. Unfinished jobs and fuel per hour are checked when a job reserves its place (before
/// it is stored); concurrent jobs hold places handed out in submit order, and a finished job passes its place to the
/// next waiting job with a one-way call. A reservation whose job was never stored (its silo died between the
/// reservation and the write, or the write failed) lapses after <see cref="ReservationLifetime"/>, so lost submits do
/// not use up the client's quota.</summary>
internal sealed partial class ClientJobsGrain
{
    /// <summary>How long a reservation holds a place without its job being stored: 2 minutes, four times the longest
    /// a submit waits for a grain call.</summary>
    internal static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, (long Fuel, DateTimeOffset At)> _reserved = new(StringComparer.Ordinal);
    private DateTimeOffset _nextLapseCheck;
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

        var now = _time.GetUtcNow();
        DropLapsedReservations(now);
        var limit = _options.UnfinishedJobLimit(ClientId);
        if (_unfinished + _reserved.Count >= limit)
        {
            throw new QuotaExceededException($"this client has {_unfinished + _reserved.Count} unfinished jobs, its limit; submit more once some have finished");
        }

        if (_options.FuelPerHourLimit(ClientId) is var fuelLimit and > 0)
        {
            var burned = state.State.FuelWindow.Sum(now);
            if (burned + _unfinishedFuel + maxFuel > fuelLimit)
            {
                throw new QuotaExceededException(string.Create(CultureInfo.InvariantCulture,
                    $"fuel per hour: this client burned {burned:N0} fuel in the last hour and its unfinished jobs may burn {_unfinishedFuel:N0} more; this job's budget of {maxFuel:N0} would pass its limit of {fuelLimit:N0}. Submit it later or with a smaller max_fuel"));
            }
        }

        _reserved[jobId] = (maxFuel, now);
        _unfinishedFuel += maxFuel;
        return Task.CompletedTask;
    }

    // At most once a second: reservations older than their lifetime give their place and fuel back.
    private void DropLapsedReservations(DateTimeOffset now)
    {
        if (_reserved.Count == 0 || now < _nextLapseCheck)
        {
            return;
        }

        _nextLapseCheck = now + TimeSpan.FromSeconds(1);
        List<string>? lapsed = null;
        foreach (var (jobId, reservation) in _reserved)
        {
            if (now - reservation.At >= ReservationLifetime)
            {
                (lapsed ??= []).Add(jobId);
            }
        }

        if (lapsed is null)
        {
            return;
        }

        foreach (var jobId in lapsed)
        {
            ReleaseReservation(jobId);
        }

        LogReservationsLapsed(log, ClientId, lapsed.Count, ReservationLifetime.TotalSeconds);
    }

    [LoggerMessage(EventId = MarketplaceEventIds.ReservationsLapsed, Level = LogLevel.Warning, Message = "Client {ClientId}: {Count} job reservations lapsed after {Seconds} s without their jobs being stored (submits lost to a silo failure); their places are free again")]
    private static partial void LogReservationsLapsed(ILogger logger, string clientId, int count, double seconds);

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
        if (_reserved.Remove(jobId, out var reservation))
        {
            _unfinishedFuel -= reservation.Fuel;
        }
    }

    /// <summary>Books a finished job's fuel in the hour and passes its concurrent place on.</summary>
    private void OnFinished(JobSummary job)
    {
        state.State.FuelWindow.Add(_time.GetUtcNow(), job.FuelConsumed);
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
