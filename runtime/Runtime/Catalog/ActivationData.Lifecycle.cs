// Lifecycle: Creating -> Activating (directory registration, construction, state read, OnActivateAsync) -> Valid ->
// Deactivating (timers stopped, OnDeactivateAsync, state flushed, directory entry removed) -> Invalid.
// Requests arriving while activating wait; a failed activation fails every waiting request with its exception;
// requests arriving while deactivating are rerouted to a fresh activation afterwards (rejected during shutdown).
using Marketplace.Runtime.GrainDirectory;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.State;
using Marketplace.Runtime.Storage;
using Marketplace.Runtime.Telemetry;
using Marketplace.Runtime.Timers;

namespace Marketplace.Runtime.Catalog;

internal sealed partial class ActivationData
{
    private static readonly Func<object?, Task> ActivateCallback = static s => ((ActivationData)s!).ActivateAsync();
    private static readonly Func<object?, Task> DeactivateCallback = static s => ((ActivationData)s!).DeactivateAsync();

    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IPersistentStateFacet> _states = [];
    private List<IGrainTimerControl>? _timers;
    private DeactivationReason? _pendingDeactivation;
    private long _keepAliveUntil;

    /// <summary>Completes when the activation is invalid.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Starts activation; called once by the catalog for the instance that won the catalog slot.</summary>
    public void StartActivation()
    {
        lock (_lock)
        {
            _state = ActivationState.Activating;
        }

        RunOnScheduler(ActivateCallback, this);
    }

    private async Task ActivateAsync()
    {
        RequestContext.Data = null;
        Exception? failure = null;
        try
        {
            if (!Metadata.IsStatelessWorker)
            {
                var address = new GrainAddress(GrainId, ActivationId, _runtime.LocalSilo);
                var winner = await _runtime.Directory.RegisterAsync(address);
                if (winner != address)
                {
                    await ForwardToWinnerAsync(winner);
                    return;
                }
            }

            GrainContextAmbient.Constructing = this;
            GrainContextAmbient.ConstructingStorageName = Metadata.StateStorageName;
            try
            {
                GrainInstance = Metadata.Factory(this, _runtime.Services);
            }
            finally
            {
                GrainContextAmbient.Constructing = null;
                GrainContextAmbient.ConstructingStorageName = null;
            }

            foreach (var state in _states)
            {
                await state.ReadOnActivateAsync();
            }

            if (GrainInstance is IGrainBase grain)
            {
                using var timeout = new CancellationTokenSource(_runtime.CollectionOptions.ActivationTimeout);
                await grain.OnActivateAsync(timeout.Token);
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        if (failure is not null)
        {
            await FailActivationAsync(failure);
            return;
        }

        RuntimeInstruments.ActivationCreated();
        List<Message>? toStart = null;
        List<Message>? cancelled = null;
        var deactivate = false;
        lock (_lock)
        {
            _state = ActivationState.Valid;
            _lastActivity = Environment.TickCount64;
            if (_pendingDeactivation is not null)
            {
                _state = ActivationState.Deactivating;
                deactivate = true;
            }
            else
            {
                Pump(ref toStart, ref cancelled);
            }
        }

        StartAll(toStart, cancelled);
        if (deactivate)
        {
            StartDeactivation();
        }
    }

    private async Task FailActivationAsync(Exception failure)
    {
        _runtime.Log.ActivationFailed(failure, GrainId);
        RuntimeInstruments.ActivationFailed();
        _onRemoved(this);
        if (!Metadata.IsStatelessWorker)
        {
            await _runtime.Directory.UnregisterAsync(new GrainAddress(GrainId, ActivationId, _runtime.LocalSilo));
        }

        Message[] waiting;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var message in waiting)
        {
            if (!message.IsLocalOnly)
            {
                Respond(message, Response.FromException(failure));
            }
        }

        _deactivated.TrySetResult();
    }

    private Task ForwardToWinnerAsync(GrainAddress winner)
    {
        _onRemoved(this);
        Message[] waiting;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var message in waiting)
        {
            message.TargetSilo = winner.Silo;
            _runtime.Router.Deliver(message);
        }

        _deactivated.TrySetResult();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Deactivate(DeactivationReason reason)
    {
        var start = false;
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return;
            }

            _pendingDeactivation = reason;
            if (_state == ActivationState.Valid && _running.Count == 0)
            {
                _state = ActivationState.Deactivating;
                start = true;
            }
        }

        if (start)
        {
            StartDeactivation();
        }
    }

    /// <inheritdoc />
    public void DelayDeactivation(TimeSpan timeSpan)
    {
        lock (_lock)
        {
            _keepAliveUntil = timeSpan == Timeout.InfiniteTimeSpan
                ? long.MaxValue
                : timeSpan <= TimeSpan.Zero ? 0 : Environment.TickCount64 + (long)timeSpan.TotalMilliseconds;
        }
    }

    public void CollectIfIdle(long nowMilliseconds, TimeSpan defaultAge)
    {
        if (Metadata.AlwaysActive)
        {
            return;
        }

        var age = (long)(Metadata.CollectionAge ?? defaultAge).TotalMilliseconds;
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _running.Count > 0 || _waiting.Count > 0 || _pendingDeactivation is not null
                || nowMilliseconds - _lastActivity < age || nowMilliseconds < _keepAliveUntil)
            {
                return;
            }

            _pendingDeactivation = new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"Idle for more than {TimeSpan.FromMilliseconds(age)}.");
            _state = ActivationState.Deactivating;
        }

        StartDeactivation();
    }

    public Task DeactivateForShutdownAsync()
    {
        Deactivate(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is shutting down."));
        return _deactivated.Task;
    }

    private void StartDeactivation() => RunOnScheduler(DeactivateCallback, this);

    private async Task DeactivateAsync()
    {
        RequestContext.Data = null;
        var reason = _pendingDeactivation ?? new DeactivationReason(DeactivationReasonCode.None, string.Empty);
        if (_timers is not null)
        {
            foreach (var timer in _timers.ToArray())
            {
                timer.Dispose();
            }
        }

        if (GrainInstance is IGrainBase grain)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_runtime.CollectionOptions.DeactivationTimeout);
                await grain.OnDeactivateAsync(reason, timeout.Token);
            }
            catch (Exception exception)
            {
                // Deactivation is best effort (as in Orleans): a failing OnDeactivateAsync is logged, not propagated.
                _runtime.Log.DeactivationCallbackFailed(exception, GrainId);
            }
        }

        foreach (var state in _states)
        {
            await state.FlushAsync(_runtime.Log, GrainId);
        }

        if (!Metadata.IsStatelessWorker)
        {
            await _runtime.Directory.UnregisterAsync(new GrainAddress(GrainId, ActivationId, _runtime.LocalSilo));
        }

        _onRemoved(this);
        Message[] waiting;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        RuntimeInstruments.ActivationRemoved();
        var shuttingDown = reason.ReasonCode == DeactivationReasonCode.ShuttingDown;
        foreach (var message in waiting)
        {
            if (message.IsLocalOnly)
            {
                continue;
            }

            if (shuttingDown)
            {
                Respond(message, Response.FromException(new SiloUnavailableException($"Silo {_runtime.LocalSilo} is shutting down; {message.MethodName} was not run.")));
            }
            else
            {
                Reroute(message);
            }
        }

        _deactivated.TrySetResult();
    }

    /// <inheritdoc />
    public IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer<TState>(this, callback, state, options);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"Cannot register a timer on {GrainId}: the activation is deactivating.");
            }

            (_timers ??= []).Add(timer);
        }

        timer.Start();
        return timer;
    }

    /// <summary>Removes a disposed timer.</summary>
    public void RemoveTimer(IGrainTimerControl timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    /// <summary>Queues a timer tick as a local-only message (same admission rules as requests).</summary>
    public bool EnqueueTimerTick(Request tick, bool interleave, bool keepAlive)
    {
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return false;
            }
        }

        var flags = (interleave ? MessageFlags.AlwaysInterleave : MessageFlags.None) | (keepAlive ? MessageFlags.None : MessageFlags.SuppressKeepAlive);
        Receive(new Message
        {
            Id = Message.NextId(),
            Direction = MessageDirection.OneWay,
            Flags = flags,
            Target = GrainId,
            Request = tick,
            IsLocalOnly = true,
        });
        return true;
    }

    /// <inheritdoc />
    public IPersistentState<TState> GetPersistentState<TState>(string stateName, string? storageName)
    {
        var state = new PersistentState<TState>(stateName, storageName ?? "Default", GrainId, _runtime.Services);
        _states.Add(state);
        return state;
    }
}
