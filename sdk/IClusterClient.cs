using Marketplace.Runtime;

namespace Marketplace.Sdk;

/// <summary>
/// A client connected to a silo's gateway over TCP. References from <see cref="IGrainFactory"/> methods use the same
/// generated proxies as in the silo; their calls travel over the connection.
/// </summary>
public interface IClusterClient : IGrainFactory, IAsyncDisposable
{
    /// <summary>True while a gateway connection is open.</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Connects to the first reachable gateway of <see cref="ClientOptions.GatewayEndpoints"/>. After a later connection
    /// loss the client reconnects by itself.
    /// </summary>
    /// <exception cref="SiloUnavailableException">No gateway accepted the connection (the message lists each attempt).</exception>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Closes the connection; pending calls fail with <see cref="ConnectionToClusterLostException"/>.</summary>
    Task CloseAsync();
}
