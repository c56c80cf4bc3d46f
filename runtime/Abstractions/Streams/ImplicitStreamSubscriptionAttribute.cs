namespace Marketplace.Runtime.Streams;

/// <summary>
/// Subscribes every grain of the class to the streams of a namespace whose key equals the grain's key: an event on such
/// a stream activates the grain. Attach an observer in <c>OnActivateAsync</c> with <c>SubscribeAsync</c> (which returns
/// the implicit handle) or <c>GetAllSubscriptionHandles()</c> + <c>ResumeAsync</c>, or implement
/// <see cref="IStreamSubscriptionObserver"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ImplicitStreamSubscriptionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public ImplicitStreamSubscriptionAttribute(string streamNamespace) => Namespace = streamNamespace;

    /// <summary>The stream namespace.</summary>
    public string Namespace { get; }
}
