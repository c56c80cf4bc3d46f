// Design: delivery of one stream event to one grain subscription is an ordinary grain call (hand-written request, same
// shape as generated ones) sent through SiloRuntimeClient: it activates the grain, waits its turn like any request and
// finds the subscription's observer in the activation's GrainStreamConsumers table. In process only: the item travels
// as an object (deep-copied on delivery); the request is not registered for the wire.
using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Streams;

/// <summary>The pseudo grain interface that stream deliveries are addressed to (every grain can consume streams).</summary>
internal interface IStreamConsumer : IAddressable
{
}

/// <summary>A reference used to send deliveries to a consumer grain.</summary>
internal sealed class StreamConsumerReference(GrainId grainId, IGrainReferenceRuntime runtime) : GrainReference(grainId, runtime)
{
    public const string Name = "Marketplace.Runtime.Streams.IStreamConsumer";

    public override string InterfaceName => Name;

    public override Type InterfaceType => typeof(IStreamConsumer);
}

/// <summary>Delivers one event of a stream of <typeparamref name="T"/> to one grain subscription.</summary>
internal sealed class StreamDeliveryRequest<T>(MemoryStreamProvider provider, StreamId streamId, Guid handleId, StreamEvent<T> streamEvent) : VoidRequest
{
    private static readonly InvokableMethod Info = new(
        typeof(IStreamConsumer), StreamConsumerReference.Name, "Deliver", 1u, InvokeMethodOptions.None, null,
        static () => throw new StreamException("Stream deliveries are in-process only."));

    public override InvokableMethod Method => Info;

    public override int ArgumentCount => 3;

    public override object? GetArgument(int index) => index switch
    {
        0 => streamId,
        1 => handleId,
        2 => streamEvent.Kind == StreamEventKind.Item ? streamEvent.Item : streamEvent.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    protected override ValueTask InvokeInner(object grain)
    {
        var context = (grain as IGrainBase)?.GrainContext
            ?? throw new StreamException($"{grain.GetType()} is not a grain and cannot consume stream {streamId}.");
        var consumers = GrainStreamConsumers.For(context);
        if (consumers.TryGet(handleId, out var observer))
        {
            return new ValueTask(Deliver(observer, context));
        }

        return grain is IStreamSubscriptionObserver lazy ? AskThenDeliver(lazy, consumers, context) : throw NoObserver(context);
    }

    private async ValueTask AskThenDeliver(IStreamSubscriptionObserver lazy, GrainStreamConsumers consumers, IGrainContext context)
    {
        await lazy.OnSubscribed(new HandleFactory(provider, streamId, handleId, context));
        if (!consumers.TryGet(handleId, out var observer))
        {
            throw NoObserver(context);
        }

        await Deliver(observer, context);
    }

    private Task Deliver(object observer, IGrainContext context) => observer is IAsyncObserver<T> typed
        ? streamEvent.Deliver(typed, copy: true)
        : throw new StreamException($"Subscription {handleId:N} of {context.GrainId} on {provider.Name}:{streamId} has an observer of {observer.GetType()}, which does not observe {typeof(T)}.");

    private StreamException NoObserver(IGrainContext context) => new(
        $"Grain {context.GrainId} has no observer for subscription {handleId:N} on {provider.Name}:{streamId}: attach one in OnActivateAsync "
        + "(GetAllSubscriptionHandles + ResumeAsync, or SubscribeAsync for implicit subscriptions) or implement IStreamSubscriptionObserver.");

    private sealed class HandleFactory(MemoryStreamProvider provider, StreamId streamId, Guid handleId, IGrainContext context) : IStreamSubscriptionHandleFactory
    {
        public StreamId StreamId => streamId;

        public string ProviderName => provider.Name;

        public Guid SubscriptionId => handleId;

        public StreamSubscriptionHandle<TItem> Create<TItem>() => new MemoryStreamSubscriptionHandle<TItem>(provider, streamId, handleId, context);
    }
}
