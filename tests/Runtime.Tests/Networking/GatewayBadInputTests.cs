using System.Buffers.Binary;
using System.Net.Sockets;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Networking;
using Marketplace.Runtime.Serialization;
using Marketplace.Runtime.Tests.Grains;
using Marketplace.Sdk;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Networking;

/// <summary>
/// Bad input on the gateway: each bad connection is closed and logged, while a well-behaved client connected before
/// (and one connecting after) keeps working.
/// </summary>
public sealed class GatewayBadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxFrameBytes = 4096;
    private GatewaySilo _silo = null!;
    private IClusterClient _good = null!;

    public async Task InitializeAsync()
    {
        _silo = await GatewaySilo.StartAsync(gateway: o =>
        {
            o.MaxFrameBytes = MaxFrameBytes;
            o.PreambleTimeout = TimeSpan.FromSeconds(1);
            o.MaxPendingBytesPerConnection = 256 * 1024;
        });
        _good = await _silo.ConnectClientAsync();
        Assert.Equal(2, await _good.GetGrain<IBehaviourGrain>("good").Add(1, 1));
    }

    public async Task DisposeAsync()
    {
        await _good.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Oversized_preamble_length_closes_the_connection()
    {
        using var socket = await ConnectRawAsync();
        await SendAsync(socket, LengthPrefix(ConnectionPreamble.MaxBytes + 1));
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2006, "announced length 1025");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Preamble_with_another_protocol_version_is_refused()
    {
        using var socket = await ConnectRawAsync();
        await SendAsync(socket, new ConnectionPreamble(99, "dev", "raw").ToFrame());
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2005, "protocol version 99");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Silent_connection_is_closed_after_the_preamble_timeout()
    {
        using var socket = await ConnectRawAsync();
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2005, "no preamble within");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Garbage_bytes_close_the_connection()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var garbage = new byte[8192];
        random.NextBytes(garbage);
        BinaryPrimitives.WriteInt32LittleEndian(garbage, -random.Next(1, int.MaxValue)); // a length no peer may announce

        using var socket = await ConnectRawAsync();
        await SendAsync(socket, garbage);
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2006, "Bad connection preamble");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Garbage_after_a_valid_handshake_closes_the_connection()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var garbage = new byte[200];
        random.NextBytes(garbage);
        garbage[0] = 0xFF; // field header with an unknown wire type: cannot be a message
        using var socket = await HandshakeAsync();
        await SendAsync(socket, [.. LengthPrefix(garbage.Length), .. garbage]);
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2006, "Malformed message frame (200 bytes)");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Truncated_message_inside_a_frame_closes_the_connection()
    {
        // A varint field header followed by a varint that never ends within the frame.
        byte[] body = [0x00, 0x80, 0x80, 0x80];
        using var socket = await HandshakeAsync();
        await SendAsync(socket, [.. LengthPrefix(body.Length), .. body]);
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2006, "Malformed message frame (4 bytes)");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Oversized_frame_closes_the_connection()
    {
        using var socket = await HandshakeAsync();
        await SendAsync(socket, LengthPrefix(MaxFrameBytes + 1));
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2006, $"Frame length {MaxFrameBytes + 1} is outside");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Negative_frame_length_closes_the_connection()
    {
        using var socket = await HandshakeAsync();
        await SendAsync(socket, LengthPrefix(-5));
        await AssertClosedAsync(socket);
        await _silo.Logs.WaitForAsync(2006, "Frame length -5 is outside");
        await AssertOthersStillServedAsync();
    }

    [Fact]
    public async Task Client_that_does_not_read_its_responses_is_disconnected()
    {
        var capture = new MethodCapture();
        _ = GrainInterfaceRegistry.CreateReference<IBulkGrain>(new GrainId("bulk", "0"), capture).Bytes(1);
        var bytes = capture.Method!;

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(_silo.Endpoint);
        await SendAsync(socket, new ConnectionPreamble(ConnectionPreamble.CurrentProtocolVersion, "dev", "stalled").ToFrame());

        // 600 requests for 64 KiB each: ~38 MiB of responses, far beyond socket buffers plus the 256 KiB queue limit.
        var frames = new List<byte>();
        for (var i = 0; i < 600; i++)
        {
            var request = new Message
            {
                Id = i + 1,
                Direction = MessageDirection.Request,
                Target = new GrainId("bulk", (i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                InterfaceId = bytes.InterfaceId,
                MethodId = bytes.MethodId,
                Body = ArgumentBody(64 * 1024),
            };
            frames.AddRange(MessageSerializer.ToFrame(request, null!));
        }

        try
        {
            await SendAsync(socket, [.. frames]);
        }
        catch (SocketException)
        {
            // The silo may already have closed the connection while we were still sending.
        }

        await _silo.Logs.WaitForAsync(2009, "does not read its responses");
        await AssertOthersStillServedAsync();
    }

    private static byte[] ArgumentBody(int size)
    {
        using var writer = CodecWriter.Rent();
        CodecRegistry.Get<int>().WriteField(writer, 0, size);
        return writer.ToArray();
    }

    private static byte[] LengthPrefix(int length)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, length);
        return bytes;
    }

    private static async Task SendAsync(Socket socket, byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    private static async Task AssertClosedAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with unread input: the kernel answers with a reset, which is a close too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the gateway did not close the connection within 10 s");
        }
    }

    private async Task<Socket> ConnectRawAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_silo.Endpoint);
        return socket;
    }

    private async Task<Socket> HandshakeAsync()
    {
        var socket = await ConnectRawAsync();
        await SendAsync(socket, new ConnectionPreamble(ConnectionPreamble.CurrentProtocolVersion, "dev", "raw-test").ToFrame());
        var prefix = new byte[4];
        Assert.Equal(4, await socket.ReceiveAsync(prefix, SocketFlags.None));
        var body = new byte[ConnectionPreamble.ReadLength(prefix, ConnectionPreamble.MaxSiloBytes)];
        var read = 0;
        while (read < body.Length)
        {
            read += await socket.ReceiveAsync(body.AsMemory(read), SocketFlags.None);
        }

        Assert.Equal("dev", ConnectionPreamble.Parse(body).ClusterId);
        return socket;
    }

    private async Task AssertOthersStillServedAsync()
    {
        Assert.True(_good.IsConnected);
        Assert.Equal(10, await _good.GetGrain<IBehaviourGrain>("good").Add(4, 6));
        await using var late = await _silo.ConnectClientAsync();
        Assert.Equal(12, await late.GetGrain<IBehaviourGrain>("late").Add(5, 7));
    }
}
