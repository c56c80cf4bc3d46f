using System.Buffers.Binary;
using System.Net.Sockets;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Networking;
using Marketplace.Runtime.Serialization;
using Marketplace.Runtime.Tests.Grains;
using Marketplace.Runtime.Invocation;
using Xunit;

namespace Marketplace.Runtime.Tests.Networking;

/// <summary>Gateway start/stop and requests the silo cannot serve (answered with typed errors, connection kept).</summary>
public sealed class GatewayLifecycleTests
{
    [Fact]
    public async Task Stopping_the_silo_closes_the_listener_and_connections()
    {
        var silo = await GatewaySilo.StartAsync();
        var endpoint = silo.Endpoint;
        var client = await silo.ConnectClientAsync(o => o.ReconnectDelay = TimeSpan.FromSeconds(30));
        Assert.Equal(1, silo.Listener.ConnectionCount);
        var logs = silo.Logs;
        await silo.Silo.StopAsync();

        await logs.WaitForAsync(2002, "1 connections closed");
        var deadline = Environment.TickCount64 + 5_000;
        while (client.IsConnected && Environment.TickCount64 < deadline)
        {
            await Task.Delay(10);
        }

        Assert.False(client.IsConnected, "the client did not see the gateway close its connection within 5 s");
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(endpoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await client.DisposeAsync();
        await silo.DisposeAsync();
    }

    [Fact]
    public async Task Listen_failure_on_a_taken_port_is_a_typed_error()
    {
        await using var first = await GatewaySilo.StartAsync();
        var error = await Assert.ThrowsAsync<GrainRuntimeException>(() => GatewaySilo.StartAsync(first.Port, o => o.ListenAddress = "127.0.0.1"));
        Assert.Contains($":{first.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_for_an_unknown_method_gets_a_typed_error_and_the_connection_stays_open()
    {
        await using var silo = await GatewaySilo.StartAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(silo.Endpoint);
        await socket.SendAsync(new ConnectionPreamble(ConnectionPreamble.CurrentProtocolVersion, "dev", "raw").ToFrame(), SocketFlags.None);
        await ReadFrameAsync(socket); // the silo's preamble

        var request = new Message
        {
            Id = 4242,
            Direction = MessageDirection.Request,
            Target = new GrainId("behaviour", "unknown-method"),
            InterfaceId = 0xDEADBEEF,
            MethodId = 0x1234,
        };
        await socket.SendAsync(MessageSerializer.ToFrame(request, null!), SocketFlags.None);
        var reply = MessageSerializer.Read(await ReadFrameAsync(socket), null!);
        Assert.Equal(MessageDirection.Response, reply.Direction);
        Assert.Equal(4242, reply.Id);
        var response = Invocation.Response.ReadFrom<object>(new CodecReader(reply.Body), reply.Body.Length);
        var error = Assert.IsType<GrainTypeNotFoundException>(response.Exception);
        Assert.Contains("deadbeef", error.Message, StringComparison.Ordinal);

        await using var client = await silo.ConnectClientAsync();
        Assert.Equal(3, await client.GetGrain<IBehaviourGrain>("after-unknown").Add(1, 2));
        Assert.Equal(2, silo.Listener.ConnectionCount);
    }

    [Fact]
    public async Task Request_whose_arguments_do_not_decode_gets_a_typed_error_and_the_connection_stays_open()
    {
        await using var silo = await GatewaySilo.StartAsync();
        var capture = new MethodCapture();
        _ = GrainInterfaceRegistry.CreateReference<IBehaviourGrain>(new GrainId("behaviour", "x"), capture).Add(1, 2);
        var add = capture.Method!;

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(silo.Endpoint);
        await socket.SendAsync(new ConnectionPreamble(ConnectionPreamble.CurrentProtocolVersion, "dev", "raw").ToFrame(), SocketFlags.None);
        await ReadFrameAsync(socket);

        byte[] badArguments = [0x07, 0x01]; // field 0 with wire type 7 (not a wire type)
        foreach (var id in new long[] { 1, 2 })
        {
            var request = new Message
            {
                Id = id,
                Direction = MessageDirection.Request,
                Target = new GrainId("behaviour", "bad-args"),
                InterfaceId = add.InterfaceId,
                MethodId = add.MethodId,
                Body = badArguments,
            };
            await socket.SendAsync(MessageSerializer.ToFrame(request, null!), SocketFlags.None);
            var reply = MessageSerializer.Read(await ReadFrameAsync(socket), null!);
            Assert.Equal(id, reply.Id);
            var response = Invocation.Response.ReadFrom<int>(new CodecReader(reply.Body), reply.Body.Length);
            Assert.IsType<GrainSerializationException>(response.Exception);
        }
    }

    private static async Task<byte[]> ReadFrameAsync(Socket socket)
    {
        var prefix = await ReadExactlyAsync(socket, 4);
        return await ReadExactlyAsync(socket, BinaryPrimitives.ReadInt32LittleEndian(prefix));
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, n);
            read += n;
        }

        return buffer;
    }
}
