// Design: one grain per worker (key = worker id) records what happened to the worker: the newest MaxEvents events, a
// checkpoint folding the older ones (their decayed weights as of the newest folded event, which keep decaying exactly
// as the events would have), totals and the ban. Its own record holds the checkpoint, totals, ban and the events since
// the last sealed page; every PageEvents events are sealed into a page record of their own (written once, removed when
// folded), so a write costs the newest events, not all kept ones. Recording is idempotent by event id (the kept
// ids are looked up; an event older than the checkpoint is refused, its id can no longer be checked). Each recorded
// event is written, then pushed to the worker's grain (one one-way call), which hands score and ban to its host for
// bidding: matching never calls this grain. A bad event is pushed at once; good ones at most once per
// GoodEventPushInterval (a busy worker's successes would otherwise cost a message each). The score is
// ReputationScore.Of(parameters, checkpoint, events, now), the same function the CLI runs to recompute it.
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Storage;

namespace Marketplace.Grains.Reputation;

/// <summary>The reputation of one worker (<see cref="IReputationGrain"/>).</summary>
internal sealed class ReputationGrain(
    [PersistentState("reputation")] IPersistentState<ReputationState> state,
    IOptions<ReputationOptions> options,
    ReputationClock clock,
    IServiceProvider services,
    ILoggerFactory loggers) : Grain, IReputationGrain
{
    /// <summary>How far ahead of the grain's clock an event's time may be.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private readonly ReputationOptions _options = options.Value;
    private readonly ReputationLog _log = new(loggers.CreateLogger(ReputationLog.Category));
    /// <summary>Events per sealed page.</summary>
    internal const int PageEvents = 64;

    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private IGrainTimer? _pushTimer;
    private long? _lastPush;

    /// <summary>Every kept event, by sequence number: the sealed pages' unfolded events, then the record's own.</summary>
    private readonly List<ReputationEvent> _kept = [];
    private readonly List<long> _emptiedPages = [];
    private GrainSideRecords<ReputationPage>? _pages;

    private ReputationState State => state.State;

    private string WorkerId => this.GetPrimaryKeyString();

    private GrainSideRecords<ReputationPage> Pages => _pages ??= new GrainSideRecords<ReputationPage>(
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME), "reputation-page", "reputation-page");

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var page in State.Pages)
        {
            if (await Pages.ReadAsync(PageKey(page.Number)) is not { } stored)
            {
                _log.PageMissing(WorkerId, page.Number);
                continue;
            }

            for (var i = page.Folded; i < stored.Events.Count; i++)
            {
                _kept.Add(stored.Events[i]);
            }
        }

        _kept.AddRange(State.Events);
        foreach (var e in _kept)
        {
            _ids.Add(e.EventId);
        }
    }

    /// <inheritdoc />
    public async Task<bool> RecordAsync(ReputationEvent reputationEvent)
    {
        var now = clock.Now;
        if (Apply(reputationEvent, now) is not { } recorded)
        {
            return false;
        }

        await CommitAsync(recorded.Sequence);
        PushToWorker(urgent: !_options.Score.WeightOf(recorded.Kind).Good);
        return true;
    }

    /// <inheritdoc />
    public async Task<ReputationRecordOutcome[]> RecordManyAsync(ReputationEvent[] events)
    {
        if (events is null || events.Length is 0 or > IReputationGrain.MaxEventsPerCall)
        {
            throw new InvalidRequestException($"events: {events?.Length ?? 0} in one call; 1 to {IReputationGrain.MaxEventsPerCall}");
        }

        var now = clock.Now;
        var outcomes = new ReputationRecordOutcome[events.Length];
        long? last = null;
        var urgent = false;
        for (var i = 0; i < events.Length; i++)
        {
            try
            {
                var recorded = Apply(events[i], now);
                outcomes[i] = new ReputationRecordOutcome { Recorded = recorded is not null };
                if (recorded is not null)
                {
                    last = recorded.Sequence;
                    urgent |= !_options.Score.WeightOf(recorded.Kind).Good;
                }
            }
            catch (InvalidRequestException e)
            {
                outcomes[i] = new ReputationRecordOutcome { Error = e.Message };
            }
        }

        if (last is { } sequence)
        {
            await CommitAsync(sequence);
            PushToWorker(urgent);
        }

        return outcomes;
    }

    /// <summary>Adds <paramref name="reputationEvent"/> to the state in memory (folding, banning) and returns the
    /// recorded event; null when its id was recorded already or it is older than the checkpoint.</summary>
    /// <exception cref="InvalidRequestException">The event is malformed, names another worker or is too far ahead.</exception>
    private ReputationEvent? Apply(ReputationEvent reputationEvent, DateTimeOffset now)
    {
        Validate(reputationEvent);
        if (_ids.Contains(reputationEvent.EventId))
        {
            return null;
        }

        var time = reputationEvent.Time == default ? now : reputationEvent.Time;
        if (time > now + MaxClockSkew)
        {
            throw new InvalidRequestException($"time: {time:O} is more than {MaxClockSkew.TotalMinutes:0} minutes ahead of the silo's clock ({now:O})");
        }

        if (State.Checkpoint.Events > 0 && time < State.Checkpoint.At)
        {
            _log.EventTooOld(WorkerId, reputationEvent.EventId, time, State.Checkpoint.At);
            return null;
        }

        var recorded = new ReputationEvent
        {
            EventId = reputationEvent.EventId,
            WorkerId = WorkerId,
            Kind = reputationEvent.Kind,
            JobId = reputationEvent.JobId ?? "",
            Time = time,
            LatencyMs = reputationEvent.Kind == ReputationEventKind.Success ? reputationEvent.LatencyMs : 0,
            Hash = string.IsNullOrEmpty(reputationEvent.Hash) ? null : reputationEvent.Hash.ToLowerInvariant(),
            Sequence = State.LastSequence + 1,
        };
        State.LastSequence = recorded.Sequence;
        State.Events.Add(recorded);
        _kept.Add(recorded);
        _ids.Add(recorded.EventId);
        State.Counts.Add(recorded.Kind);
        if (recorded.Kind == ReputationEventKind.Success && recorded.LatencyMs > 0)
        {
            State.LatencySumMs += recorded.LatencyMs;
            State.LatencyCount++;
        }

        while (_kept.Count > _options.MaxEvents)
        {
            Fold();
        }

        if (!_options.Score.WeightOf(recorded.Kind).Good)
        {
            CheckBan(recorded, now);
        }

        return recorded;
    }

    /// <summary>Seals full pages and writes the record; on a failed write drops the activation (its memory holds
    /// events the store does not) and rethrows.</summary>
    private async Task CommitAsync(long sequence)
    {
        try
        {
            // A page is stored before the record that names it; a page stored by a write that then failed is
            // replaced by the next seal under the same number.
            while (State.Events.Count >= PageEvents)
            {
                await SealPageAsync();
            }

            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            _log.WriteFailed(e, WorkerId, sequence);
            DeactivateOnIdle();
            throw;
        }

        await RemoveEmptiedPagesAsync();
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_pushTimer is not null)
        {
            // A push still waiting for its interval goes now: the worker must not keep a score older than its events.
            PushNow();
        }

        return Task.CompletedTask;
    }

    // A bad event (or a push interval of 0) reaches the worker at once; good ones at most once per
    // GoodEventPushInterval, the last push of an interval carrying every event recorded in it.
    private void PushToWorker(bool urgent)
    {
        var interval = _options.GoodEventPushInterval;
        if (urgent || interval <= TimeSpan.Zero || _lastPush is not { } last || _time.GetElapsedTime(last) >= interval)
        {
            PushNow();
            return;
        }

        _pushTimer ??= this.RegisterGrainTimer(
            static (grain, _) => { grain.PushNow(); return Task.CompletedTask; },
            this,
            new GrainTimerCreationOptions(interval - _time.GetElapsedTime(last), Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void PushNow()
    {
        _pushTimer?.Dispose();
        _pushTimer = null;
        _lastPush = _time.GetTimestamp();
        GrainFactory.GetGrain<IWorkerGrain>(WorkerId).ReputationChangedAsync(Snapshot(clock.Now)).Ignore();
    }

    /// <inheritdoc />
    public Task<WorkerReputation> GetAsync() => Task.FromResult(Snapshot(clock.Now));

    /// <inheritdoc />
    public Task<ReputationEventPage> GetEventsAsync(long? after, int limit)
    {
        PageLimits.CheckGrainCall(limit);
        if (after is < 0)
        {
            throw new InvalidRequestException($"after: {after} must not be negative");
        }

        var events = _kept;
        var start = 0;
        if (after is { } position)
        {
            // Sequence numbers increase along the list: the first kept event above the position.
            int lo = 0, hi = events.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (events[mid].Sequence <= position)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            start = lo;
        }

        var count = Math.Min(limit, events.Count - start);
        var page = new ReputationEventPage { Events = events.GetRange(start, count) };
        if (start + count < events.Count)
        {
            page.Next = events[start + count - 1].Sequence;
        }

        return Task.FromResult(page);
    }

    private WorkerReputation Snapshot(DateTimeOffset now)
    {
        var banned = State.BannedUntil is { } until && until > now;
        return new WorkerReputation
        {
            WorkerId = WorkerId,
            Score = ReputationScore.Of(_options.Score, State.Checkpoint, _kept, now),
            EvaluatedAt = now,
            Counts = State.Counts.Clone(),
            MeanLatencyMs = State.LatencyCount == 0 ? 0 : State.LatencySumMs / (double)State.LatencyCount,
            RecentLatencyMs = RecentLatency(),
            BannedUntil = banned ? State.BannedUntil : null,
            BanReason = banned ? State.BanReason : null,
            EventCount = State.LastSequence,
            Parameters = _options.Score,
            Checkpoint = State.Checkpoint,
        };
    }

    private double RecentLatency()
    {
        long sum = 0;
        var count = 0;
        for (var i = _kept.Count - 1; i >= 0 && count < WorkerReputation.RecentLatencyWindow; i--)
        {
            var e = _kept[i];
            if (e.Kind == ReputationEventKind.Success && e.LatencyMs > 0)
            {
                sum += e.LatencyMs;
                count++;
            }
        }

        return count == 0 ? 0 : sum / (double)count;
    }

    /// <summary>Folds the oldest kept event into the checkpoint: the checkpoint's sums are decayed to the later of its
    /// time and the event's, then the event's weight, decayed to that time, is added.</summary>
    private void Fold()
    {
        var e = _kept[0];
        _kept.RemoveAt(0);
        if (State.Pages.Count > 0)
        {
            var page = State.Pages[0];
            if (++page.Folded >= page.Count)
            {
                State.Pages.RemoveAt(0);
                _emptiedPages.Add(page.Number);
            }
        }
        else
        {
            State.Events.RemoveAt(0);
        }

        _ids.Remove(e.EventId);
        var c = State.Checkpoint;
        var at = c.Events == 0 || e.Time > c.At ? e.Time : c.At;
        var carried = c.Events == 0 ? 0 : ReputationScore.Decay(_options.Score, c.At, at);
        var (weight, good) = _options.Score.WeightOf(e.Kind);
        var w = weight * ReputationScore.Decay(_options.Score, e.Time, at);
        c.Weight = (c.Weight * carried) + w;
        c.GoodWeight = (c.GoodWeight * carried) + (good ? w : 0);
        c.At = at;
        if (e.Kind == ReputationEventKind.DoubleSign && (c.LastDoubleSignAt is null || e.Time > c.LastDoubleSignAt))
        {
            c.LastDoubleSignAt = e.Time;
        }

        c.Events++;
        c.ThroughSequence = e.Sequence;
        c.Counts.Add(e.Kind);
        if (e.Kind == ReputationEventKind.Success && e.LatencyMs > 0)
        {
            c.LatencySumMs += e.LatencyMs;
            c.LatencyCount++;
        }
    }

    /// <summary>Bans the worker after the bad event <paramref name="e"/> when it was a double sign, when it made
    /// <see cref="ReputationOptions.WrongResultBanCount"/> wrong results within the window, or when the score is now
    /// below the floor. A ban only ever lengthens.</summary>
    private void CheckBan(ReputationEvent e, DateTimeOffset now)
    {
        if (e.Kind == ReputationEventKind.DoubleSign)
        {
            Ban(now + _options.DoubleSignBanDuration, $"signed two results of job {Named(e.JobId)}{Evidence(e.Hash)}");
            return;
        }

        if (e.Kind == ReputationEventKind.WrongResult)
        {
            var since = now - _options.WrongResultWindow;
            var wrong = 0;
            foreach (var kept in _kept)
            {
                if (kept.Kind == ReputationEventKind.WrongResult && kept.Time > since)
                {
                    wrong++;
                }
            }

            if (wrong >= _options.WrongResultBanCount)
            {
                Ban(now + _options.BanDuration, $"{wrong} wrong results within {Hours(_options.WrongResultWindow)}, the last on job {Named(e.JobId)}{Evidence(e.Hash)}");
                return;
            }
        }

        var score = ReputationScore.Of(_options.Score, State.Checkpoint, _kept, now);
        if (score < _options.BanFloor)
        {
            Ban(now + _options.BanDuration, FormattableString.Invariant($"score {score:0.000} fell below {_options.BanFloor:0.###} after a {MarketplaceJson.EnumName(e.Kind)} on job {Named(e.JobId)}"));
        }
    }

    /// <summary>Moves the record's oldest <see cref="PageEvents"/> events into a page record of their own.</summary>
    private async Task SealPageAsync()
    {
        var number = State.NextPage;
        var events = State.Events.GetRange(0, PageEvents);
        await Pages.WriteAsync(PageKey(number), new ReputationPage { Events = events });
        State.Events.RemoveRange(0, PageEvents);
        State.Pages.Add(new ReputationPageRef { Number = number, Count = events.Count });
        State.NextPage = number + 1;
    }

    /// <summary>Removes the records of pages whose events are all folded, now that the record no longer names them; one
    /// that cannot be removed is logged and left (nothing reads it).</summary>
    private async Task RemoveEmptiedPagesAsync()
    {
        while (_emptiedPages.Count > 0)
        {
            var number = _emptiedPages[^1];
            _emptiedPages.RemoveAt(_emptiedPages.Count - 1);
            try
            {
                await Pages.ClearAsync(PageKey(number));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.PageNotRemoved(e, WorkerId, number);
            }
        }
    }

    private string PageKey(long number) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{WorkerId}/{number}");

    private void Ban(DateTimeOffset until, string reason)
    {
        if (State.BannedUntil is { } current && current >= until)
        {
            return;
        }

        State.BannedUntil = until;
        State.BanReason = reason;
        _log.Banned(WorkerId, until, reason);
    }

    private static string Named(string jobId) => jobId.Length == 0 ? "(none)" : jobId;

    private static string Evidence(string? hash) => hash is null ? "" : $" (evidence {hash})";

    private static string Hours(TimeSpan span) => FormattableString.Invariant($"{span.TotalHours:0.##} h");

    private void Validate(ReputationEvent e)
    {
        if (e is null)
        {
            throw new InvalidRequestException("event: missing");
        }

        if (string.IsNullOrEmpty(e.EventId) || e.EventId.Length > ReputationEvent.MaxEventIdLength)
        {
            throw new InvalidRequestException($"event_id: must be 1 to {ReputationEvent.MaxEventIdLength} characters");
        }

        if (!string.Equals(e.WorkerId, WorkerId, StringComparison.Ordinal))
        {
            throw new InvalidRequestException($"worker_id: the event names worker '{Clip(e.WorkerId ?? "")}', this is the reputation of worker {WorkerId}");
        }

        if (!Enum.IsDefined(e.Kind))
        {
            throw new InvalidRequestException($"kind: {(int)e.Kind} is not a reputation event kind");
        }

        if (e.LatencyMs < 0)
        {
            throw new InvalidRequestException($"latency_ms: {e.LatencyMs} must not be negative");
        }

        if (e.Hash is { Length: > 0 } hash && (hash.Length > ReputationEvent.MaxHashLength || hash.Length % 2 != 0 || !IsHex(hash)))
        {
            throw new InvalidRequestException($"hash: '{Clip(hash)}' is not a hex hash of at most {ReputationEvent.MaxHashLength / 2} bytes");
        }
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
