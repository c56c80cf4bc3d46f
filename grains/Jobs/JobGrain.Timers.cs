using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>The job's one-shot timer for its nearest deadline and its durable watchdog reminder.</summary>
internal sealed partial class JobGrain
{
    /// <summary>Arms the one-shot timer for the nearest deadline of the current state.</summary>
    private void Schedule()
    {
        if (Terminal)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        var due = Info.Status switch
        {
            JobStatus.Matching => _windowCloseAt,
            JobStatus.Running => Verifying ? CommitteeDeadline(state.State.Committee!.Seats, DateTimeOffset.UtcNow) : _leaseExpiresAt,
            _ => state.State.NextMatchAt,
        };
        if (TtlApplies && TtlDeadline < due)
        {
            due = TtlDeadline;
        }

        var watchdogAt = Info.CreatedAt + _options.WatchdogAfter;
        if (!state.State.WatchdogRegistered && watchdogAt < due)
        {
            due = watchdogAt;
        }

        if (_timer is not null && due == _timerDue)
        {
            return;
        }

        _timer?.Dispose();
        _timerDue = due;
        _timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(TimerDelay(due, DateTimeOffset.UtcNow), Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>The longest a job's timer waits before it looks again (Orleans refuses timers beyond about 49 days; a
    /// due time that far away is a job waiting for something else, which the next look re-arms).</summary>
    internal static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    /// <summary>From <paramref name="now"/> to <paramref name="due"/>, at least zero and at most
    /// <see cref="MaxTimerDelay"/>.</summary>
    internal static TimeSpan TimerDelay(DateTimeOffset due, DateTimeOffset now)
    {
        if (due <= now)
        {
            return TimeSpan.Zero;
        }

        return due - now > MaxTimerDelay ? MaxTimerDelay : due - now;
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = null;
        if (!Submitted || Terminal)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        if (TtlApplies && now >= TtlDeadline && Info.Status is JobStatus.Pending or JobStatus.Matching)
        {
            await ExpireAsync();
            return;
        }

        try
        {
            if (!state.State.WatchdogRegistered && now >= Info.CreatedAt + _options.WatchdogAfter)
            {
                // Throws while the reminder service is rebalancing after a silo died; the finally re-arms.
                await EnsureWatchdogAsync();
            }

            switch (Info.Status)
            {
                case JobStatus.Matching when now >= _windowCloseAt:
                    await OnBidWindowEndAsync();
                    break;
                case JobStatus.Pending when now >= state.State.NextMatchAt:
                    await StartMatchingAsync();
                    break;
                case JobStatus.Running when Verifying:
                    await OnCommitteeDeadlineAsync(now);
                    break;
                case JobStatus.Running when now >= _leaseExpiresAt:
                    await LoseAttemptAsync();
                    break;
            }
        }
        finally
        {
            // Re-arm even when a step failed (storage or a grain call unreachable): a job without a timer would
            // wait for its next reminder tick, or forever while it stays active.
            Schedule();
        }
    }

    /// <summary>With <see cref="JobsOptions.WatchdogAfter"/> zero (the default), an accepted job has its watchdog
    /// before the submit is answered, so the survivors of a silo that dies at once find it in the reminder table. When
    /// the reminder service does not answer (it rebalances after a silo died), the submit still succeeds and the job's
    /// timer registers the watchdog.</summary>
    private async Task RegisterWatchdogAtSubmitAsync()
    {
        if (_options.WatchdogAfter > TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await EnsureWatchdogAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            AddLog("warn", $"the watchdog reminder could not be registered at submit ({e.GetType().Name}); the job's timer registers it");
        }
    }

    private async Task EnsureWatchdogAsync()
    {
        if (state.State.WatchdogRegistered)
        {
            return;
        }

        var period = _options.WatchdogPeriod;
        await this.RegisterOrUpdateReminder(WatchdogReminder, period, period);
        state.State.WatchdogRegistered = true;
    }

    private async Task DropWatchdogAsync(bool force = false)
    {
        if (!state.State.WatchdogRegistered && !force)
        {
            return;
        }

        if (await this.GetReminder(WatchdogReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        state.State.WatchdogRegistered = false;
    }
}
