namespace Marketplace.Runtime.Streams;

/// <summary>The runtime's registry of stream providers (a silo or client service).</summary>
internal interface IStreamProviderSource
{
    /// <summary>The provider named <paramref name="name"/>, bound to <paramref name="consumer"/> (a grain) or to the process (null).</summary>
    /// <exception cref="StreamProviderNotFoundException">No provider has that name.</exception>
    IStreamProvider GetProvider(string name, IGrainContext? consumer);
}
