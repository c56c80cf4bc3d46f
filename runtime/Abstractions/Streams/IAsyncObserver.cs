namespace Marketplace.Runtime.Streams;

/// <summary>Receives a stream's items (Orleans' <c>IAsyncObserver&lt;T&gt;</c>).</summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IAsyncObserver<in T>
{
    /// <summary>Handles the next item; the next one is not delivered to this subscriber before this task completes.</summary>
    Task OnNextAsync(T item, StreamSequenceToken? token = null);

    /// <summary>The producer completed the stream.</summary>
    Task OnCompletedAsync();

    /// <summary>The producer reported an error.</summary>
    Task OnErrorAsync(Exception ex);
}
