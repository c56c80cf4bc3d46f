// Design: the silo side of one client connection. Handshake: read the client's preamble (bounded length, timeout),
// check protocol version and cluster id, answer with the silo's preamble carrying its grain manifest (built per
// connection, so grain assemblies loaded later are included). Then every frame is decoded into a Message
// (header only; the body stays bytes), checked (requests and one-way requests only), given this connection as its
// response sink and handed to MessageRouter.ReceiveFromNetwork, which materializes the arguments synchronously (so the
// frame's pooled memory may be reused afterwards) and routes the call. Responses are serialized on the thread that
// produced them and queued on the socket's batching write loop. A malformed header, bad direction or oversized frame
// closes this connection (logged); an argument body that cannot be decoded fails only that call, with a typed error.
using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Networking;

/// <summary>One client connected to the gateway; also the response sink of that client's requests.</summary>
internal sealed class GatewayConnection(FramedSocket socket, SiloRuntimeClient runtime, ConnectionPreamble local, TimeSpan preambleTimeout, GatewayLog log)
    : IFrameHandler, IResponseSink
{
    /// <summary>Closes the connection.</summary>
    public void Close() => socket.Close();

    /// <summary>Handshake, then serves frames until the connection closes. Never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            ConnectionPreamble remote;
            using (var timeout = new CancellationTokenSource(preambleTimeout))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, socket.Closed))
            {
                try
                {
                    remote = await socket.ReadPreambleAsync(linked.Token);
                }
                catch (OperationCanceledException)
                {
                    if (!socket.IsClosed)
                    {
                        log.HandshakeRejected(socket.RemoteEndpoint, $"no preamble within {preambleTimeout}");
                    }

                    return;
                }
            }

            if (remote.ProtocolVersion != ConnectionPreamble.CurrentProtocolVersion)
            {
                log.HandshakeRejected(socket.RemoteEndpoint, $"protocol version {remote.ProtocolVersion}, this silo speaks {ConnectionPreamble.CurrentProtocolVersion}");
                return;
            }

            if (!string.Equals(remote.ClusterId, local.ClusterId, StringComparison.Ordinal))
            {
                log.HandshakeRejected(socket.RemoteEndpoint, $"cluster id '{remote.ClusterId}', this silo belongs to '{local.ClusterId}'");
                return;
            }

            await socket.SendRawAsync((local with { Manifest = GrainManifest.FromLocalClasses() }).ToFrame(), socket.Closed);
            log.ClientConnected(remote.NodeIdentity, socket.RemoteEndpoint);
            await socket.RunAsync(this);
            if (socket.PendingLimitExceeded)
            {
                log.ClientNotReading(socket.RemoteEndpoint);
            }
            else
            {
                log.ConnectionClosed(socket.RemoteEndpoint);
            }
        }
        catch (GatewayProtocolException exception)
        {
            log.ProtocolViolation(socket.RemoteEndpoint, exception.Message);
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            log.ConnectionClosed(socket.RemoteEndpoint);
        }
        finally
        {
            socket.Dispose();
        }
    }

    public void OnFrame(ReadOnlyMemory<byte> frame)
    {
        Message message;
        try
        {
            message = MessageSerializer.Read(frame, runtime);
        }
        catch (Exception exception) when (exception is GrainSerializationException or OverflowException or FormatException or ArgumentException)
        {
            throw new GatewayProtocolException($"Malformed message frame ({frame.Length} bytes): {exception.Message}");
        }

        if (message.Direction is not (MessageDirection.Request or MessageDirection.OneWay))
        {
            throw new GatewayProtocolException($"Unexpected message direction {message.Direction} from a client.");
        }

        if (message.Target.IsDefault)
        {
            throw new GatewayProtocolException("Message without target grain.");
        }

        message.SendingSilo = null;
        message.TargetSilo = null;
        message.ResponseSink = message.Direction == MessageDirection.Request ? this : null;
        runtime.Router.ReceiveFromNetwork(message);
    }

    public void OnResponse(Message request, Response response)
    {
        var reply = new Message
        {
            Id = request.Id,
            Direction = MessageDirection.Response,
            Target = request.Target,
            Response = response,
        };

        try
        {
            socket.Send(reply, runtime);
        }
        catch (GrainSerializationException exception)
        {
            log.ResponseNotSerializable(exception, request.MethodName, socket.RemoteEndpoint);
            reply.Response = Response.FromException(exception);
            socket.Send(reply, runtime);
        }
    }

    public Response ReadResponse(ReadOnlyMemory<byte> body, ICodecContext context) =>
        throw new GatewayProtocolException("A gateway connection never receives responses.");
}
