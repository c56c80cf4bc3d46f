using System.Globalization;
using Marketplace.GrainInterfaces;
using Orleans.Storage;

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
            JobStatus.Running => Verifying ? _verificationDue : _leaseExpiresAt,
            _ => state.State.NextMatchAt,
        };
        if (TtlApplies && TtlDeadline < due)
        {
            due = TtlDeadline;
        }

        var watchdogAt = Info.CreatedAt + _options.WatchdogAfter;
        watchdogAt = _watchdogRetryAt > watchdogAt ? _watchdogRetryAt : watchdogAt;
        if (!state.State.WatchdogRegistered && watchdogAt < due)
        {
            due = watchdogAt;
        }

        if (due < _stepRetryAt)
        {
            due = _stepRetryAt;
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

        var failed = true;
        try
        {
            if (!state.State.WatchdogRegistered && now >= Info.CreatedAt + _options.WatchdogAfter && now >= _watchdogRetryAt
                && await TryRegisterWatchdogAsync() is { } failure)
            {
                // Bounded: a reminder service on a silo that died and is not declared dead yet does not hold the job.
                AddLog("warn", $"the watchdog reminder is not registered yet ({failure.GetType().Name}); trying again in {WatchdogRetryDelay.TotalSeconds:0} s");
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
                    await TickVerificationAsync(now);
                    break;
                case JobStatus.Running when now >= _leaseExpiresAt:
                    await LoseAttemptAsync();
                    break;
            }

            failed = false;
            _stepFailures = 0;
        }
        catch (Exception e) when (NoteStepFailure(e))
        {
            // Never reached: the filter only writes the failure into the job's log.
        }
        catch (InconsistentStateException)
        {
            // The stored job moved on under this activation (a write whose answer was lost, e.g. to a database
            // restart, did commit): every later write of this activation would be refused. A new activation reads
            // the stored job; Orleans drops the activation for a grain call that throws this, not for a timer.
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            // Re-arm even when a step failed (storage or a grain call unreachable): a job without a timer would
            // wait for its next reminder tick, or forever while it stays active. After a failure the step is tried
            // again after the retry delay, not at once: a database that is down is not called in a tight loop.
            if (failed)
            {
                _stepRetryAt = DateTimeOffset.UtcNow + (_options.RetryBaseDelay < StepRetryDelay ? _options.RetryBaseDelay : StepRetryDelay);
            }

            Schedule();
        }
    }

    /// <summary>Failures of the timer's step in a row, of one cause (<see cref="_stepFailureCause"/>).</summary>
    private int _stepFailures;

    private string? _stepFailureCause;

    /// <summary>Writes a failed step of the timer into the job's log, so a job that keeps failing says why where its
    /// client and operator read it (the silo's log says it too): the first failure of a cause, then the 10th, 100th
    /// and so on of the same cause in a row, so the log stays short. Always false: nothing is caught.</summary>
    private bool NoteStepFailure(Exception e)
    {
        var cause = e.GetType().Name;
        _stepFailures = string.Equals(cause, _stepFailureCause, StringComparison.Ordinal) ? _stepFailures + 1 : 1;
        _stepFailureCause = cause;
        var count = _stepFailures;
        while (count % 10 == 0)
        {
            count /= 10;
        }

        if (count == 1)
        {
            var message = e.Message.Length > 300 ? e.Message[..300] + "…" : e.Message;
            var delay = _options.RetryBaseDelay < StepRetryDelay ? _options.RetryBaseDelay : StepRetryDelay;
            AddLog("warn", string.Create(CultureInfo.InvariantCulture,
                $"the job's {StepName()} failed{(_stepFailures > 1 ? $" {_stepFailures} times in a row" : "")} ({cause}: {message}); it is tried again every {delay.TotalMilliseconds:0} ms"));
        }

        return false;
    }

    private string StepName() => Info.Status switch
    {
        JobStatus.Running when Verifying => "verification step",
        JobStatus.Running => "lease check",
        JobStatus.Matching => "bid window's close",
        JobStatus.Pending => "next matching round",
        _ => "timer step",
    };

    /// <summary>How long after a failed step the timer tries again, at most (shorter when
    /// <see cref="JobsOptions.RetryBaseDelay"/> is).</summary>
    internal static readonly TimeSpan StepRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Not before this does the timer try again a step that failed.</summary>
    private DateTimeOffset _stepRetryAt;

    /// <summary>How long after a registration of the watchdog that did not answer in time (or failed) the job's timer
    /// tries again.</summary>
    internal static readonly TimeSpan WatchdogRetryDelay = TimeSpan.FromSeconds(5);

    private Task<IGrainReminder>? _watchdogRegistration;
    private DateTimeOffset _watchdogRetryAt;

    // The watchdog as this activation registered it: dropped with it, without asking the reminder service for the row
    // first (a call to the silo that owns the job's hash range, and a read of the table, on every job's way out).
    private IGrainReminder? _watchdog;

    /// <summary>With <see cref="JobsOptions.WatchdogAfter"/> zero (the default), an accepted job has its watchdog
    /// before the submit is answered, so the survivors of a silo that dies at once find it in the reminder table. When
    /// the reminder service does not answer within <see cref="JobsOptions.WatchdogAtSubmitWait"/> (the silo that owns
    /// the job's hash range died and is not declared dead yet) or fails, the submit still succeeds and the job's timer
    /// registers the watchdog.</summary>
    private async Task RegisterWatchdogAtSubmitAsync()
    {
        if (_options.WatchdogAfter > TimeSpan.Zero || state.State.WatchdogRegistered)
        {
            return;
        }

        if (await TryRegisterWatchdogAsync() is { } failure)
        {
            AddLog("warn", failure is TimeoutException
                ? $"the watchdog reminder was not registered within {_options.WatchdogAtSubmitWait.TotalMilliseconds:0} ms of the submit; the job's timer registers it"
                : $"the watchdog reminder could not be registered at submit ({failure.GetType().Name}); the job's timer registers it");
        }
    }

    /// <summary>Registers the watchdog reminder, waiting at most <see cref="JobsOptions.WatchdogAtSubmitWait"/>; a
    /// registration still under way is waited for again rather than sent twice. Answers null when registered, else
    /// what stopped it (the timer tries again after <see cref="WatchdogRetryDelay"/>).</summary>
    private async Task<Exception?> TryRegisterWatchdogAsync()
    {
        if (state.State.WatchdogRegistered)
        {
            return null;
        }

        if (_watchdogRegistration is null)
        {
            var period = _options.WatchdogPeriod;
            _watchdogRegistration = this.RegisterOrUpdateReminder(WatchdogReminder, period, period);

            // Observed here, so a registration that fails after the job stopped waiting for it raises nothing.
            _ = _watchdogRegistration.ContinueWith(static t => t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        try
        {
            _watchdog = await _watchdogRegistration.WaitAsync(_options.WatchdogAtSubmitWait);
            _watchdogRegistration = null;
            state.State.WatchdogRegistered = true;
            return null;
        }
        catch (Exception e)
        {
            // Every failure of the registration means the same here: not registered yet, try again later. The
            // reminder table's own errors (a database restarting: Npgsql's, or a fallback type when they cross
            // silos) are not Orleans exceptions, and one escaping here left the job without matching.
            if (e is not TimeoutException)
            {
                _watchdogRegistration = null;
            }

            _watchdogRetryAt = DateTimeOffset.UtcNow + WatchdogRetryDelay;
            return e;
        }
    }

    private async Task EnsureWatchdogAsync()
    {
        if (state.State.WatchdogRegistered)
        {
            return;
        }

        var period = _options.WatchdogPeriod;
        _watchdog = await this.RegisterOrUpdateReminder(WatchdogReminder, period, period);
        state.State.WatchdogRegistered = true;
    }

    private async Task DropWatchdogAsync(bool force = false)
    {
        if (!state.State.WatchdogRegistered && !force)
        {
            return;
        }

        if (_watchdog is { } registered)
        {
            _watchdog = null;
            try
            {
                await this.UnregisterReminder(registered);
                state.State.WatchdogRegistered = false;
                return;
            }
            catch (ReminderException)
            {
                // The row changed since this activation registered it (another registration of the same reminder):
                // drop the row as it is now, below.
            }
        }

        if (await this.GetReminder(WatchdogReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        state.State.WatchdogRegistered = false;
    }
}
