// Design: the caller side of every grain call made inside a silo (from grains or from host code). A call becomes a
// Message holding the generated request object; mutable arguments are deep-copied (immutable ones are passed as is),
// the request context, the caller's call chain and W3C trace context ride in the header, and the message goes to the
// router. The caller awaits a PendingCall registered with the call tracker, which times it out.
using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.GrainDirectory;
using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Placement;
using Marketplace.Runtime.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Runtime.Messaging;

/// <summary>The silo's grain factory and call path.</summary>
internal sealed class SiloRuntimeClient : GrainReferenceFactory, ICodecContext, IDisposable
{
    private readonly TimeSpan _defaultTimeout;
    private IIncomingGrainCallFilter[]? _incoming;
    private IOutgoingGrainCallFilter[]? _outgoing;

    public SiloRuntimeClient(
        IServiceProvider services,
        IOptions<MessagingOptions> messaging,
        IOptions<GrainCollectionOptions> collection,
        IGrainDirectory directory,
        IPlacementDirector placement,
        IMessageTransport transport,
        ILoggerFactory loggers)
    {
        Services = services;
        Directory = directory;
        CollectionOptions = collection.Value;
        _defaultTimeout = messaging.Value.ResponseTimeout;
        Log = new RuntimeLog(loggers.CreateLogger("Marketplace.Runtime"));
        Tracker = new CallTracker(messaging.Value.TimeoutCheckInterval);
        Catalog = new GrainCatalog(this);
        Router = new MessageRouter(this, Catalog, transport, placement);
    }

    public IServiceProvider Services { get; }

    public SiloAddress LocalSilo { get; } = SiloAddress.NewLocal();

    public IGrainDirectory Directory { get; }

    public GrainCollectionOptions CollectionOptions { get; }

    public RuntimeLog Log { get; }

    public CallTracker Tracker { get; }

    public GrainCatalog Catalog { get; }

    public MessageRouter Router { get; }

    public override IGrainFactory GrainFactory => this;

    public IIncomingGrainCallFilter[] IncomingFilters => _incoming ??= [.. Services.GetServices<IIncomingGrainCallFilter>()];

    public bool HasIncomingFilters => IncomingFilters.Length > 0;

    private IOutgoingGrainCallFilter[] OutgoingFilters => _outgoing ??= [.. Services.GetServices<IOutgoingGrainCallFilter>()];

    public override Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request)
    {
        if (OutgoingFilters.Length > 0)
        {
            return InvokeWithFiltersAsync(target, request);
        }

        return Send(target, request);
    }

    public override Task InvokeAsync(GrainReference target, VoidRequest request)
    {
        if (OutgoingFilters.Length > 0)
        {
            return InvokeWithFiltersAsync(target, request);
        }

        return Send(target, request);
    }

    public void Dispose() => Tracker.Dispose();

    protected override TGrainInterface Create<TGrainInterface>(string key, string? prefix) =>
        GrainInterfaceRegistry.CreateReference<TGrainInterface>(new GrainId(GrainTypeResolver.GrainTypeFor<TGrainInterface>(prefix), key), this);

    private Task<TResult> Send<TResult>(GrainReference target, Request<TResult> request)
    {
        var token = request.CancellationToken;
        if (token.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(token);
        }

        var method = request.Method;
        var timeout = method.ResponseTimeout ?? _defaultTimeout;
        var message = CreateMessage(target.GrainId, request, method, MessageDirection.Request, timeout);
        var pending = new PendingCall<TResult>(message, Tracker, this, timeout);
        message.ResponseSink = pending;
        Dispatch(message, request, pending);
        Track(message.Id, pending);
        return pending.Task;
    }

    private Task Send(GrainReference target, VoidRequest request)
    {
        var token = request.CancellationToken;
        if (token.IsCancellationRequested)
        {
            return Task.FromCanceled(token);
        }

        var method = request.Method;
        var timeout = method.ResponseTimeout ?? _defaultTimeout;
        if (method.IsOneWay)
        {
            var oneWay = CreateMessage(target.GrainId, request, method, MessageDirection.OneWay, timeout);
            Dispatch(oneWay, request, null);
            return Task.CompletedTask;
        }

        var message = CreateMessage(target.GrainId, request, method, MessageDirection.Request, timeout);
        var pending = new PendingCall<object?>(message, Tracker, this, timeout);
        message.ResponseSink = pending;
        Dispatch(message, request, pending);
        Track(message.Id, pending);
        return pending.Task;
    }

    /// <summary>
    /// Registers a dispatched call for timeouts and shutdown unless it was answered during dispatch (a synchronous
    /// callee run inline). An outcome is recorded before its tracker entry is removed, so an answer racing with this
    /// registration either is seen here or removes the entry itself. Calls sent to another silo were registered by
    /// the router before sending (their answer is found through the tracker).
    /// </summary>
    private void Track<T>(long id, PendingCall<T> pending)
    {
        if (pending.HasOutcome)
        {
            return;
        }

        Tracker.Add(id, pending);
        if (pending.HasOutcome)
        {
            Tracker.Remove(id);
        }
    }

    private void Dispatch(Message message, Request request, ITrackedCall? pending)
    {
        try
        {
            request.CopyArguments(this);
        }
        catch (GrainSerializationException exception)
        {
            pending?.Fail(exception);
            return;
        }

        message.MayRunInline = true;
        Router.Deliver(message);
    }

    private static Message CreateMessage(GrainId target, Request request, InvokableMethod method, MessageDirection direction, TimeSpan timeout)
    {
        var message = Message.CreateRequest(target, request, method, direction, timeout);
        if (RequestContext.Data?.CurrentRequest is Message current && current.Activation is { } caller)
        {
            message.Source = caller.GrainId;
            message.CallChain = new CallChainEntry(caller.GrainId, current.Id, current.CallChain);
        }

        return message;
    }

    private async Task<TResult> InvokeWithFiltersAsync<TResult>(GrainReference target, Request<TResult> request)
    {
        var context = new OutgoingCallContext(target, request, OutgoingFilters, async c => c.Result = await Send(target, request));
        await context.Invoke();
        return (TResult)context.Result!;
    }

    private async Task InvokeWithFiltersAsync(GrainReference target, VoidRequest request)
    {
        var context = new OutgoingCallContext(target, request, OutgoingFilters, c => Send(target, request));
        await context.Invoke();
    }
}
