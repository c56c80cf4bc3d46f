// Design: accepts client connections on GatewayOptions.ListenAddress:Port as a hosted service registered after the
// silo's own, so it starts once the silo runs and stops (closing the listener and every connection) before the silo
// deactivates its grains. Each connection runs independently; a bad one is closed without touching the others.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Runtime.Networking;

/// <summary>The silo's client gateway listener.</summary>
internal sealed class GatewayListener(
    SiloRuntimeClient runtime,
    IOptions<GatewayOptions> options,
    IOptions<SiloOptions> silo,
    ILoggerFactory loggers) : IHostedService, IDisposable
{
    private readonly GatewayLog _log = new(loggers.CreateLogger("Marketplace.Runtime.Gateway"));
    private readonly ConcurrentDictionary<GatewayConnection, Task> _connections = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>The bound endpoint (with the real port when <see cref="GatewayOptions.Port"/> was 0); null before start.</summary>
    public IPEndPoint? Endpoint { get; private set; }

    /// <summary>Open client connections.</summary>
    public int ConnectionCount => _connections.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!IPAddress.TryParse(o.ListenAddress, out var address))
        {
            throw new GrainRuntimeException($"GatewayOptions.ListenAddress '{o.ListenAddress}' is not an IP address.");
        }

        if (o.Port is < 0 or > IPEndPoint.MaxPort || o.MaxFrameBytes <= 0 || o.MaxPendingBytesPerConnection <= 0)
        {
            throw new GrainRuntimeException(
                $"GatewayOptions: Port {o.Port} must be 0..65535, MaxFrameBytes {o.MaxFrameBytes} and MaxPendingBytesPerConnection {o.MaxPendingBytesPerConnection} positive.");
        }

        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, o.Port));
            listener.Listen(512);
        }
        catch (SocketException exception)
        {
            listener.Dispose();
            throw new GrainRuntimeException($"The gateway cannot listen on {o.ListenAddress}:{o.Port}: {exception.Message}", exception);
        }

        _listener = listener;
        Endpoint = (IPEndPoint)listener.LocalEndPoint!;
        var local = new ConnectionPreamble(ConnectionPreamble.CurrentProtocolVersion, silo.Value.ClusterId, runtime.LocalSilo.ToString());
        _acceptLoop = AcceptLoopAsync(listener, local, o);
        _log.Listening(Endpoint.ToString(), silo.Value.ClusterId);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not { } listener)
        {
            return;
        }

        _listener = null;
        listener.Close();
        await _acceptLoop;
        var count = _connections.Count;
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }

        await Task.WhenAll(_connections.Values);
        _log.Stopped(Endpoint?.ToString() ?? "?", count);
    }

    public void Dispose() => _listener?.Dispose();

    private async Task AcceptLoopAsync(Socket listener, ConnectionPreamble local, GatewayOptions o)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                if (_listener is null)
                {
                    return;
                }

                _log.AcceptFailed(exception, Endpoint?.ToString() ?? "?");
                continue;
            }

            var connection = new GatewayConnection(new FramedSocket(socket, o.MaxFrameBytes, o.MaxPendingBytesPerConnection), runtime, local, o.PreambleTimeout, _log);
            _connections[connection] = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(GatewayConnection connection)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }
}
