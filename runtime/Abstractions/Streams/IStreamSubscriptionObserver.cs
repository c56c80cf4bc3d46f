namespace Marketplace.Runtime.Streams;

/// <summary>
/// Implemented by a grain that attaches observers lazily: when an item arrives for one of its subscriptions (implicit or
/// explicit) that has no observer in the current activation, <see cref="OnSubscribed"/> is called first; attach one with
/// <c>handleFactory.Create&lt;T&gt;().ResumeAsync(observer)</c>.
/// </summary>
public interface IStreamSubscriptionObserver
{
    /// <summary>A subscription of this grain needs an observer.</summary>
    Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory);
}

/// <summary>Creates the handle of the subscription that needs an observer.</summary>
public interface IStreamSubscriptionHandleFactory
{
    /// <summary>The stream.</summary>
    StreamId StreamId { get; }

    /// <summary>The provider's name.</summary>
    string ProviderName { get; }

    /// <summary>The subscription's id.</summary>
    Guid SubscriptionId { get; }

    /// <summary>The handle, typed for the stream's items.</summary>
    StreamSubscriptionHandle<T> Create<T>();
}
