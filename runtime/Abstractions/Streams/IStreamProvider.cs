namespace Marketplace.Runtime.Streams;

/// <summary>
/// A named stream provider (Orleans' <c>IStreamProvider</c>). In a grain obtain it with
/// <c>this.GetStreamProvider(name)</c>; elsewhere from DI (keyed <see cref="IStreamProvider"/> service or
/// <c>services.GetStreamProvider(name)</c>).
/// </summary>
public interface IStreamProvider
{
    /// <summary>The provider's name.</summary>
    string Name { get; }

    /// <summary>True when subscribers can rewind to earlier events (false for memory streams).</summary>
    bool IsRewindable { get; }

    /// <summary>The stream with <paramref name="streamId"/> carrying items of type <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidStreamIdException"><paramref name="streamId"/> is the default value.</exception>
    IAsyncStream<T> GetStream<T>(StreamId streamId);
}
