// Design: a grain timer never runs its callback directly on a thread-pool timer thread. Each due time enqueues a
// local-only tick message into the activation's mailbox, so the tick obeys the same admission rules as requests
// (Interleave=false waits for running requests) and runs on the activation's scheduler. The next due time is armed
// only after the callback's task completes, so ticks never overlap.
using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Timers;

/// <summary>A timer owned by an activation.</summary>
internal interface IGrainTimerControl : IDisposable
{
}

/// <summary>A grain timer with a typed state.</summary>
internal sealed class GrainTimer<TState> : IGrainTimer, IGrainTimerControl
{
    private readonly ActivationData _activation;
    private readonly Func<TState, CancellationToken, Task> _callback;
    private readonly TState _state;
    private readonly GrainTimerCreationOptions _options;
    private readonly Timer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _period;
    private TimeSpan _due;
    private bool _inTick;

    public GrainTimer(ActivationData activation, Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        Validate(options.DueTime, options.Period);
        _activation = activation;
        _callback = callback;
        _state = state;
        _options = options;
        _period = options.Period;
        _due = options.DueTime;
        _timer = new Timer(static s => ((GrainTimer<TState>)s!).OnDue(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public void Start() => Arm(_due);

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, period);
        lock (_timer)
        {
            _due = dueTime;
            _period = period;
            if (!_inTick)
            {
                Arm(dueTime);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private static void Validate(TimeSpan due, TimeSpan period)
    {
        if ((due < TimeSpan.Zero && due != Timeout.InfiniteTimeSpan) || (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan))
        {
            throw new ArgumentOutOfRangeException(nameof(due), "Timer due time and period must be non-negative or infinite.");
        }
    }

    private void Arm(TimeSpan due)
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently: the timer is stopping anyway.
        }
    }

    private void OnDue()
    {
        lock (_timer)
        {
            if (_disposed.IsCancellationRequested || _inTick)
            {
                return;
            }

            _inTick = true;
        }

        if (!_activation.EnqueueTimerTick(new TickRequest(this), _options.Interleave, _options.KeepAlive))
        {
            Dispose();
        }
    }

    private async ValueTask RunTickAsync()
    {
        try
        {
            await _callback(_state, _disposed.Token);
        }
        finally
        {
            lock (_timer)
            {
                _inTick = false;
                if (_period != Timeout.InfiniteTimeSpan)
                {
                    Arm(_period);
                }
            }
        }
    }

    private sealed class TickRequest(GrainTimer<TState> timer) : VoidRequest
    {
        private static readonly InvokableMethod TickMethod = new(
            typeof(IGrainTimer), "Marketplace.Runtime.GrainTimer", "Tick", 0, InvokeMethodOptions.None, null,
            static () => throw new NotSupportedException("Timer ticks are never deserialized."));

        public override InvokableMethod Method => TickMethod;

        protected override ValueTask InvokeInner(object grain) => timer.RunTickAsync();
    }
}
