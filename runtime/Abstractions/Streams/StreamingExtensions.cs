namespace Marketplace.Runtime.Streams;

/// <summary>Obtaining stream providers and subscribing with delegates.</summary>
public static class StreamingExtensions
{
    /// <summary>The stream provider named <paramref name="name"/>, as seen by this grain (its subscriptions are persistent).</summary>
    /// <exception cref="StreamProviderNotFoundException">No provider has that name.</exception>
    public static IStreamProvider GetStreamProvider(this IGrainBase grain, string name)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return Source(grain.GrainContext.ActivationServices, name).GetProvider(name, grain.GrainContext);
    }

    /// <summary>The stream provider named <paramref name="name"/> from a silo's (or client's) services.</summary>
    /// <exception cref="StreamProviderNotFoundException">No provider has that name.</exception>
    public static IStreamProvider GetStreamProvider(this IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Source(services, name).GetProvider(name, null);
    }

    /// <summary>Subscribes with delegates.</summary>
    public static Task<StreamSubscriptionHandle<T>> SubscribeAsync<T>(
        this IAsyncStream<T> stream,
        Func<T, StreamSequenceToken?, Task> onNextAsync,
        Func<Exception, Task>? onErrorAsync = null,
        Func<Task>? onCompletedAsync = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.SubscribeAsync(new DelegateObserver<T>(onNextAsync, onErrorAsync, onCompletedAsync));
    }

    /// <summary>Subscribes with an item delegate.</summary>
    public static Task<StreamSubscriptionHandle<T>> SubscribeAsync<T>(this IAsyncStream<T> stream, Func<T, Task> onNextAsync)
    {
        ArgumentNullException.ThrowIfNull(onNextAsync);
        return stream.SubscribeAsync((item, _) => onNextAsync(item));
    }

    /// <summary>Resumes with delegates.</summary>
    public static Task<StreamSubscriptionHandle<T>> ResumeAsync<T>(
        this StreamSubscriptionHandle<T> handle,
        Func<T, StreamSequenceToken?, Task> onNextAsync,
        Func<Exception, Task>? onErrorAsync = null,
        Func<Task>? onCompletedAsync = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.ResumeAsync(new DelegateObserver<T>(onNextAsync, onErrorAsync, onCompletedAsync));
    }

    private static IStreamProviderSource Source(IServiceProvider services, string name) =>
        services.GetService(typeof(IStreamProviderSource)) as IStreamProviderSource
            ?? throw new StreamProviderNotFoundException($"No stream provider named '{name}': no stream providers are registered (add one with AddMemoryStreams(\"{name}\") on the silo builder).");

    private sealed class DelegateObserver<T>(Func<T, StreamSequenceToken?, Task> onNext, Func<Exception, Task>? onError, Func<Task>? onCompleted) : IAsyncObserver<T>
    {
        private readonly Func<T, StreamSequenceToken?, Task> _onNext = onNext ?? throw new ArgumentNullException(nameof(onNext));

        public Task OnNextAsync(T item, StreamSequenceToken? token = null) => _onNext(item, token);

        public Task OnCompletedAsync() => onCompleted?.Invoke() ?? Task.CompletedTask;

        public Task OnErrorAsync(Exception ex) => onError?.Invoke(ex) ?? Task.CompletedTask;
    }
}
