using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Messaging;

/// <summary>Request, response or one-way request.</summary>
internal enum MessageDirection : byte
{
    Request = 0,
    Response = 1,
    OneWay = 2,
}

/// <summary>Header flags carried on the wire.</summary>
[Flags]
internal enum MessageFlags : ushort
{
    None = 0,
    AlwaysInterleave = 1,
    ReadOnly = 2,
    AllowCallChainReentrancy = 4,
    SuppressKeepAlive = 8,
    SystemTarget = 16,
}

/// <summary>
/// One entry of a call chain: a grain that is waiting, inside request <see cref="RequestId"/>, for the call this chain
/// is attached to. Immutable linked list, newest first.
/// </summary>
internal sealed class CallChainEntry(GrainId grain, long requestId, CallChainEntry? previous)
{
    public GrainId Grain { get; } = grain;

    public long RequestId { get; } = requestId;

    public CallChainEntry? Previous { get; } = previous;

    /// <summary>Oldest-first list of grains.</summary>
    public List<GrainId> ToList()
    {
        var list = new List<GrainId>();
        for (var e = this; e is not null; e = e.Previous)
        {
            list.Add(e.Grain);
        }

        list.Reverse();
        return list;
    }
}

/// <summary>
/// The unit the runtime moves between callers and activations. The header fields (id, direction, flags, target,
/// source, interface/method ids, request context, call chain, time-to-live) are framed on the wire by
/// <see cref="MessageSerializer"/>; the body is either the in-process request/response object or its serialized bytes.
/// </summary>
internal sealed class Message
{
    private static long _nextId = Random.Shared.NextInt64(1, long.MaxValue / 2);

    /// <summary>A fresh process-unique correlation id.</summary>
    public static long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>
    /// A request (or one-way) message for <paramref name="request"/>: header flags from the method's attributes and the
    /// caller's request context, the context values, the expiry and the caller's W3C trace context. Silo and client
    /// both build calls here.
    /// </summary>
    public static Message CreateRequest(GrainId target, Request request, InvokableMethod method, MessageDirection direction, TimeSpan timeout)
    {
        var context = Marketplace.Runtime.RequestContext.Data;
        var flags = MessageFlags.None;
        if (method.IsAlwaysInterleave)
        {
            flags |= MessageFlags.AlwaysInterleave;
        }

        if (method.IsReadOnly)
        {
            flags |= MessageFlags.ReadOnly;
        }

        if (context?.AllowCallChainReentrancy == true)
        {
            flags |= MessageFlags.AllowCallChainReentrancy;
        }

        var message = new Message
        {
            Id = NextId(),
            Direction = direction,
            Flags = flags,
            Target = target,
            InterfaceId = method.InterfaceId,
            MethodId = method.MethodId,
            Request = request,
            RequestContext = context?.Values,
            ExpiresAt = Environment.TickCount64 + (long)timeout.TotalMilliseconds,
        };
        Telemetry.RuntimeInstruments.Inject(message);
        return message;
    }

    /// <summary>Correlation id; a response carries the id of its request.</summary>
    public long Id { get; set; }

    public MessageDirection Direction { get; set; }

    public MessageFlags Flags { get; set; }

    /// <summary>The grain the request is addressed to (for responses: the grain that answered).</summary>
    public GrainId Target { get; set; }

    /// <summary>The calling grain; default when the caller is not a grain.</summary>
    public GrainId Source { get; set; }

    public uint InterfaceId { get; set; }

    public uint MethodId { get; set; }

    /// <summary>Silo that sent the message (null for in-process).</summary>
    public SiloAddress? SendingSilo { get; set; }

    /// <summary>Silo the message is addressed to (null: local).</summary>
    public SiloAddress? TargetSilo { get; set; }

    /// <summary>Request-context entries (immutable snapshot).</summary>
    public Dictionary<string, object?>? RequestContext { get; set; }

    /// <summary>The grains waiting for this call, newest first.</summary>
    public CallChainEntry? CallChain { get; set; }

    /// <summary>Absolute expiry in <see cref="Environment.TickCount64"/> milliseconds; 0 = none.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>The in-process request body.</summary>
    public Request? Request { get; set; }

    /// <summary>The in-process response body.</summary>
    public Response? Response { get; set; }

    /// <summary>The serialized body (arguments or response) when the message came off the wire.</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>Where the response goes (runtime only, never serialized).</summary>
    public IResponseSink? ResponseSink { get; set; }

    /// <summary>
    /// The caller runs no activation's work and waits for nothing else on this thread: when the target activation can
    /// admit the request at once and is idle, its turn may start on the caller's thread (runtime only).
    /// </summary>
    public bool MayRunInline { get; set; }

    /// <summary>Timer ticks and other activation-bound work: never rerouted to another activation (runtime only).</summary>
    public bool IsLocalOnly { get; set; }

    /// <summary>W3C trace context of the caller.</summary>
    public string? TraceParent { get; set; }

    /// <summary>W3C trace state of the caller.</summary>
    public string? TraceState { get; set; }

    /// <summary>The activation running or queueing this request (runtime only).</summary>
    public ActivationData? Activation { get; set; }

    /// <summary>True when the request may run while a non-interleavable request is running.</summary>
    public bool IsAlwaysInterleave => (Flags & MessageFlags.AlwaysInterleave) != 0;

    public bool IsReadOnly => (Flags & MessageFlags.ReadOnly) != 0;

    /// <summary>Human-readable <c>Interface/Method</c> when known.</summary>
    public string MethodName => Request?.Method.FullName ?? $"{InterfaceId:x8}/{MethodId:x8}";

    /// <inheritdoc />
    public override string ToString() => $"{Direction} #{Id} {MethodName} -> {Target}";
}
