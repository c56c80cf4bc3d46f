namespace Marketplace.Runtime.Streams;

/// <summary>One subscription as the stream's queue sees it.</summary>
internal abstract class StreamSubscriber(Guid handleId)
{
    public Guid HandleId { get; } = handleId;
}

/// <summary>A grain subscription: persisted in the rendezvous grain, or implicit (from the grain class's attribute).</summary>
internal sealed class GrainStreamSubscriber(Guid handleId, GrainId consumer, bool isImplicit) : StreamSubscriber(handleId)
{
    public GrainId Consumer { get; } = consumer;

    public bool IsImplicit { get; } = isImplicit;
}

/// <summary>An in-process observer subscribed outside any grain (lives as long as the provider).</summary>
internal sealed class LocalStreamSubscriber(Guid handleId, object observer) : StreamSubscriber(handleId)
{
    private volatile object _observer = observer;

    public object Observer
    {
        get => _observer;
        set => _observer = value;
    }
}
