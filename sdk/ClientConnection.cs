// Design: the client side of one gateway connection. Handshake: write the client's preamble, read the silo's and check
// protocol version and cluster id (a silo that rejects us just closes, which surfaces as a handshake failure); the
// silo's preamble carries the cluster's grain manifest (interface -> grain types), kept as Manifest. Then
// frames are responses: decoded and handed to the pending call with that id, whose result type knows how to read the
// body. A response that cannot be decoded fails only its call; a malformed frame closes the connection.
using System.Net;
using System.Net.Sockets;
using Marketplace.Runtime;
using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Networking;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Sdk;

/// <summary>One open connection from the client to a gateway.</summary>
internal sealed class ClientConnection : IFrameHandler
{
    private readonly FramedSocket _socket;
    private readonly CallTracker _tracker;
    private readonly ICodecContext _context;

    private ClientConnection(FramedSocket socket, string gateway, string silo, GrainManifest manifest, CallTracker tracker, ICodecContext context)
    {
        _socket = socket;
        Manifest = manifest;
        Gateway = gateway;
        Silo = silo;
        _tracker = tracker;
        _context = context;
    }

    /// <summary>The gateway endpoint as configured.</summary>
    public string Gateway { get; }

    /// <summary>The silo behind the gateway (from its preamble).</summary>
    public string Silo { get; }

    /// <summary>The cluster's grain manifest as sent by this gateway in its handshake.</summary>
    public GrainManifest Manifest { get; }

    public bool IsClosed => _socket.IsClosed;

    /// <summary>Connects and handshakes.</summary>
    /// <exception cref="SiloUnavailableException">Connect failed, timed out, or the gateway refused the handshake.</exception>
    public static async Task<ClientConnection> OpenAsync(
        EndPoint endpoint, string gateway, ClientOptions options, string identity, CallTracker tracker, ICodecContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        FramedSocket? framed = null;
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            framed = new FramedSocket(socket, options.MaxFrameBytes, int.MaxValue);
            var local = new ConnectionPreamble(ConnectionPreamble.CurrentProtocolVersion, options.ClusterId, identity);
            await framed.SendRawAsync(local.ToFrame(), timeout.Token);
            ConnectionPreamble remote;
            try
            {
                remote = await framed.ReadPreambleAsync(timeout.Token, ConnectionPreamble.MaxSiloBytes);
            }
            catch (GatewayProtocolException exception)
            {
                throw new SiloUnavailableException(
                    $"Gateway {gateway} refused the connection or broke the handshake ({exception.Message}). Check that ClientOptions.ClusterId '{options.ClusterId}' matches the silo's cluster id.");
            }

            if (remote.ProtocolVersion != ConnectionPreamble.CurrentProtocolVersion || remote.ClusterId != options.ClusterId)
            {
                throw new SiloUnavailableException(
                    $"Gateway {gateway} speaks protocol {remote.ProtocolVersion} for cluster '{remote.ClusterId}'; this client speaks {ConnectionPreamble.CurrentProtocolVersion} for '{options.ClusterId}'.");
            }

            return new ClientConnection(framed, gateway, remote.NodeIdentity, remote.Manifest ?? new GrainManifest([]), tracker, context);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Dispose(framed, socket);
            throw new SiloUnavailableException($"Gateway {gateway} did not accept the connection within {options.ConnectTimeout}.");
        }
        catch (SocketException exception)
        {
            Dispose(framed, socket);
            throw new SiloUnavailableException($"Gateway {gateway} is not reachable: {exception.SocketErrorCode} ({exception.Message}).");
        }
        catch (Exception)
        {
            Dispose(framed, socket);
            throw;
        }
    }

    /// <summary>Queues a request; false when the connection is closed.</summary>
    /// <exception cref="GrainSerializationException">An argument cannot be serialized.</exception>
    public bool Send(Message message) => _socket.Send(message, _context);

    /// <summary>Serves responses until the connection closes; returns the protocol violation that closed it, if any.</summary>
    public async Task<string?> RunAsync()
    {
        try
        {
            await _socket.RunAsync(this);
            return null;
        }
        catch (GatewayProtocolException exception)
        {
            return exception.Message;
        }
        finally
        {
            _socket.Dispose();
        }
    }

    public void Close() => _socket.Close();

    public void OnFrame(ReadOnlyMemory<byte> frame)
    {
        Message message;
        try
        {
            message = MessageSerializer.Read(frame, _context);
        }
        catch (Exception exception) when (exception is GrainSerializationException or OverflowException or FormatException or ArgumentException)
        {
            throw new GatewayProtocolException($"Malformed message frame ({frame.Length} bytes): {exception.Message}");
        }

        if (message.Direction != MessageDirection.Response)
        {
            throw new GatewayProtocolException($"Unexpected {message.Direction} message from the gateway (clients host no grains).");
        }

        if (!_tracker.TryGet(message.Id, out var call) || call is not IResponseSink sink)
        {
            return; // Timed out or failed already: the late response is dropped.
        }

        Response response;
        try
        {
            response = sink.ReadResponse(message.Body, _context);
        }
        catch (GrainRuntimeException exception)
        {
            call.Fail(exception);
            return;
        }

        sink.OnResponse(message, response);
    }

    private static void Dispose(FramedSocket? framed, Socket socket)
    {
        if (framed is not null)
        {
            framed.Dispose();
        }
        else
        {
            socket.Dispose();
        }
    }
}
