// Design: request admission for one activation (the mailbox). A request may start when nothing runs, when the grain is
// [Reentrant], when the message is [AlwaysInterleave], when only interleavable requests run, when it and all running
// requests are [ReadOnly], or when call-chain reentrancy is allowed and its call chain passes through a request running
// here. Otherwise it waits in arrival order. A waiting request whose call chain passes through a running request here
// can never start (that request waits for it): it fails at once with a DeadlockException naming the cycle.
// Each admitted request runs as a task on this activation's serial scheduler and holds its slot across awaits.
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Scheduling;
using Marketplace.Runtime.Telemetry;

namespace Marketplace.Runtime.Catalog;

/// <summary>The lifecycle state of an activation.</summary>
internal enum ActivationState
{
    Creating,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}

/// <summary>One activation of a grain: mailbox, admission rules, lifecycle, timers and state facets.</summary>
internal sealed partial class ActivationData : IGrainContext, IActivationTarget
{
    private static readonly Func<object?, Task> RunRequestCallback = static s => ((Message)s!).Activation!.RunRequestAsync((Message)s!);
    private static long _nextActivationId;

    private readonly Lock _lock = new();
    private readonly Queue<Message> _waiting = new();
    private readonly List<Message> _running = new(2);
    private readonly SiloRuntimeClient _runtime;
    private readonly Action<ActivationData> _onRemoved;
    private int _blockingRunning;
    private int _writingRunning;
    private ActivationState _state = ActivationState.Creating;
    private long _lastActivity = Environment.TickCount64;
    private GrainReference? _selfReference;

    public ActivationData(GrainId grainId, GrainClassMetadata metadata, SiloRuntimeClient runtime, Action<ActivationData> onRemoved)
    {
        GrainId = grainId;
        Metadata = metadata;
        _runtime = runtime;
        _onRemoved = onRemoved;
        ActivationId = Interlocked.Increment(ref _nextActivationId);
    }

    public GrainId GrainId { get; }

    public long ActivationId { get; }

    public GrainClassMetadata Metadata { get; }

    public ActivationTaskScheduler Scheduler { get; } = new();

    public object? GrainInstance { get; private set; }

    public ActivationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public int QueueLength
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>True while requests run or wait (for stateless-worker selection).</summary>
    public bool IsBusy
    {
        get
        {
            lock (_lock)
            {
                return _running.Count > 0 || _waiting.Count > 0 || _state != ActivationState.Valid;
            }
        }
    }

    public int Load
    {
        get
        {
            lock (_lock)
            {
                return _running.Count + _waiting.Count;
            }
        }
    }

    public IAddressable GrainReference => _selfReference ??=
        GrainInterfaceRegistry.CreateReference(Metadata.Interfaces.Count > 0 ? Metadata.Interfaces[0] : typeof(IAddressable), null, GrainId, _runtime);

    public IServiceProvider ActivationServices => _runtime.Services;

    public IGrainFactory GrainFactory => _runtime;

    public void Receive(Message message)
    {
        var start = false;
        var reroute = false;
        DeadlockException? deadlock = null;
        lock (_lock)
        {
            switch (_state)
            {
                case ActivationState.Creating:
                case ActivationState.Activating:
                case ActivationState.Deactivating:
                    _waiting.Enqueue(message);
                    return;
                case ActivationState.Invalid:
                    reroute = true;
                    break;
                default:
                    if ((_waiting.Count == 0 || message.IsAlwaysInterleave) && CanInterleave(message))
                    {
                        Admit(message);
                        start = true;
                    }
                    else if (FindRunningInChain(message))
                    {
                        deadlock = CreateDeadlockException(message);
                    }
                    else
                    {
                        _waiting.Enqueue(message);
                    }

                    break;
            }
        }

        if (start)
        {
            StartRequest(message, message.MayRunInline);
        }
        else if (deadlock is not null)
        {
            Respond(message, Response.FromException(deadlock));
        }
        else if (reroute)
        {
            Reroute(message);
        }
    }

    private bool CanInterleave(Message message)
    {
        if (_running.Count == 0 || Metadata.IsReentrant || message.IsAlwaysInterleave || _blockingRunning == 0)
        {
            return true;
        }

        if (message.IsReadOnly && _writingRunning == 0)
        {
            return true;
        }

        return (message.Flags & MessageFlags.AllowCallChainReentrancy) != 0 && FindRunningInChain(message);
    }

    private bool FindRunningInChain(Message message)
    {
        for (var entry = message.CallChain; entry is not null; entry = entry.Previous)
        {
            if (entry.Grain.Equals(GrainId))
            {
                foreach (var running in _running)
                {
                    if (running.Id == entry.RequestId)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private DeadlockException CreateDeadlockException(Message message)
    {
        var chain = message.CallChain!.ToList();
        var start = chain.IndexOf(GrainId);
        var cycle = chain.GetRange(start < 0 ? 0 : start, chain.Count - (start < 0 ? 0 : start));
        cycle.Add(GrainId);
        var text = string.Join(" -> ", cycle);
        return new DeadlockException(
            $"Deadlock: call cycle {text} ({message.MethodName}). {GrainId} is not reentrant and is waiting for this call; " +
            "mark the grain [Reentrant], the method [AlwaysInterleave], or allow it with RequestContext.AllowCallChainReentrancy().",
            cycle);
    }

    private void Admit(Message message)
    {
        _running.Add(message);
        if (!message.IsAlwaysInterleave)
        {
            _blockingRunning++;
            if (!message.IsReadOnly)
            {
                _writingRunning++;
            }
        }
    }

    private void StartRequest(Message message, bool mayRunInline = false)
    {
        message.Activation = this;
        if (mayRunInline)
        {
            Scheduler.StartPreferInline(RunRequestCallback, message);
        }
        else
        {
            Scheduler.Start(RunRequestCallback, message);
        }
    }

    /// <summary>Starts <paramref name="work"/> on this activation's scheduler without the caller's execution context.</summary>
    private void RunOnScheduler(Func<object?, Task> work, object? state) => Scheduler.Start(work, state);

    private async Task RunRequestAsync(Message message)
    {
        RequestContext.Data = new RequestContextData
        {
            Values = message.RequestContext,
            CurrentRequest = message,
            AllowCallChainReentrancy = (message.Flags & MessageFlags.AllowCallChainReentrancy) != 0,
        };
        var request = message.Request!;
        var startedAt = RuntimeInstruments.StartCall();
        var activity = RuntimeInstruments.StartServerSpan(message);
        Response response;
        try
        {
            if (request.CancellationToken.IsCancellationRequested)
            {
                response = Response.FromException(new OperationCanceledException(request.CancellationToken));
            }
            else
            {
                var pending = _runtime.HasIncomingFilters || GrainInstance is IIncomingGrainCallFilter
                    ? InvokeWithFiltersAsync(message)
                    : request.Invoke(GrainInstance!);
                response = pending.IsCompletedSuccessfully ? pending.Result : await pending;
            }
        }
        catch (Exception exception)
        {
            response = Response.FromException(exception);
        }

        RuntimeInstruments.EndCall(request.Method, startedAt, response.Exception, activity);
        try
        {
            Respond(message, response);
        }
        finally
        {
            OnRequestCompleted(message);
        }
    }

    private async ValueTask<Response> InvokeWithFiltersAsync(Message message)
    {
        var context = new IncomingCallContext(message, GrainInstance!, _runtime.IncomingFilters);
        await context.Invoke();
        return context.ToResponse();
    }

    private void Respond(Message message, Response response)
    {
        if (message.Direction == MessageDirection.OneWay || message.ResponseSink is null)
        {
            if (response.Exception is { } exception)
            {
                _runtime.Log.OneWayFailed(exception, message.MethodName, GrainId);
            }

            return;
        }

        message.ResponseSink.OnResponse(message, response);
    }

    private void OnRequestCompleted(Message message)
    {
        List<Message>? toStart = null;
        List<Message>? cancelled = null;
        var deactivate = false;
        lock (_lock)
        {
            _running.Remove(message);
            if (!message.IsAlwaysInterleave)
            {
                _blockingRunning--;
                if (!message.IsReadOnly)
                {
                    _writingRunning--;
                }
            }

            if ((message.Flags & MessageFlags.SuppressKeepAlive) == 0)
            {
                _lastActivity = Environment.TickCount64;
            }

            if (_state == ActivationState.Valid)
            {
                if (_pendingDeactivation is not null)
                {
                    if (_running.Count == 0)
                    {
                        _state = ActivationState.Deactivating;
                        deactivate = true;
                    }
                }
                else
                {
                    Pump(ref toStart, ref cancelled);
                }
            }
        }

        StartAll(toStart, cancelled);
        if (deactivate)
        {
            StartDeactivation();
        }
    }

    /// <summary>Admits waiting requests in arrival order while the rules allow. Caller holds the lock.</summary>
    private void Pump(ref List<Message>? toStart, ref List<Message>? cancelled)
    {
        while (_waiting.TryPeek(out var next) && CanInterleave(next))
        {
            _waiting.Dequeue();
            if (next.Request?.CancellationToken.IsCancellationRequested == true)
            {
                (cancelled ??= []).Add(next);
                continue;
            }

            Admit(next);
            (toStart ??= []).Add(next);
        }
    }

    private void StartAll(List<Message>? toStart, List<Message>? cancelled)
    {
        if (cancelled is not null)
        {
            foreach (var m in cancelled)
            {
                Respond(m, Response.FromException(new OperationCanceledException(m.Request!.CancellationToken)));
            }
        }

        if (toStart is not null)
        {
            foreach (var m in toStart)
            {
                StartRequest(m);
            }
        }
    }

    private void Reroute(Message message)
    {
        if (message.IsLocalOnly)
        {
            return;
        }

        _runtime.Router.Deliver(message);
    }

    public override string ToString() => $"[Activation {GrainId} #{ActivationId} {_state}]";
}
