// Design: one TCP connection carrying length-prefixed frames (4-byte little-endian length, then the message), used by
// both the silo's gateway connections and the client. Reading: one loop per connection fills a pooled buffer and hands
// every complete frame to the handler synchronously (the frame's memory is only valid during that call), so a frame
// costs no allocation here. A frame longer than the limit or a negative length throws GatewayProtocolException before
// anything is buffered. Writing: senders serialize on their own thread and append the frame to a pending buffer under a
// lock. The sender that finds no flush running starts one on its own thread (no thread hop when the socket accepts the
// bytes at once): it swaps the pending buffer with the sending one and writes everything queued so far in one send,
// looping while more arrived meanwhile, so concurrent callers share syscalls (write batching) and other senders never
// wait for the socket. A send that cannot complete at once continues on the thread pool, never on a grain scheduler.
using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Networking;

/// <summary>Handles frames read from a <see cref="FramedSocket"/>.</summary>
internal interface IFrameHandler
{
    /// <summary>Called for every complete frame (without its length prefix); <paramref name="frame"/> is only valid during the call.</summary>
    /// <exception cref="GatewayProtocolException">The frame is malformed; the connection closes.</exception>
    void OnFrame(ReadOnlyMemory<byte> frame);
}

/// <summary>A socket speaking length-prefixed frames with a batching write loop.</summary>
internal sealed class FramedSocket : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly int _maxFrameBytes;
    private readonly int _maxPendingBytes;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closed = new();
    private byte[] _pending = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int _pendingLength;
    private bool _writing;
    private byte[] _sending = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int _isClosed;

    public FramedSocket(Socket socket, int maxFrameBytes, int maxPendingBytes)
    {
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
        _maxPendingBytes = maxPendingBytes;
        socket.NoDelay = true;
        RemoteEndpoint = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    /// <summary>The peer's address, for logs.</summary>
    public string RemoteEndpoint { get; }

    /// <summary>True once <see cref="Close"/> ran or the peer went away.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>True when the connection was closed because the peer did not read and too many bytes were queued.</summary>
    public bool PendingLimitExceeded { get; private set; }

    /// <summary>Cancelled when the connection closes.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Writes raw bytes (the preamble) directly, before the write loop starts.</summary>
    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Reads the peer's preamble (length prefix, at most <paramref name="maxBytes"/>).</summary>
    /// <exception cref="GatewayProtocolException">Bad length, malformed content, or the peer closed the connection.</exception>
    public async Task<ConnectionPreamble> ReadPreambleAsync(CancellationToken cancellationToken, int maxBytes = ConnectionPreamble.MaxBytes)
    {
        var prefix = new byte[4];
        await ReceiveExactlyAsync(prefix, cancellationToken);
        var body = new byte[ConnectionPreamble.ReadLength(prefix, maxBytes)];
        await ReceiveExactlyAsync(body, cancellationToken);
        return ConnectionPreamble.Parse(body);
    }

    /// <summary>
    /// Serializes <paramref name="message"/> as a frame and queues it for the write loop. Returns false when the
    /// connection is closed.
    /// </summary>
    /// <exception cref="GrainSerializationException">The message body cannot be serialized (nothing is queued).</exception>
    public bool Send(Message message, ICodecContext context)
    {
        if (IsClosed)
        {
            return false;
        }

        using var writer = CodecWriter.Rent(context);
        var lengthAt = writer.BeginObject();
        MessageSerializer.Write(message, writer);
        writer.EndObject(lengthAt);
        return Enqueue(writer.WrittenSpan);
    }

    /// <summary>Runs the read loop until the connection closes; returns normally on a clean close.</summary>
    /// <exception cref="GatewayProtocolException">A frame broke the protocol (the connection is closed).</exception>
    public async Task RunAsync(IFrameHandler handler)
    {
        try
        {
            await ReadLoopAsync(handler);
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Closes the socket (idempotent); the loops end.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0)
        {
            return;
        }

        _closed.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already disconnected by the peer.
        }

        _socket.Close();
    }

    public void Dispose()
    {
        Close();
        _closed.Dispose();
    }

    private bool Enqueue(ReadOnlySpan<byte> frame)
    {
        var flush = false;
        var overflow = false;
        lock (_gate)
        {
            if (IsClosed)
            {
                return false;
            }

            if ((long)_pendingLength + frame.Length > _maxPendingBytes)
            {
                PendingLimitExceeded = true;
                overflow = true;
            }
            else
            {
                Append(frame, ref flush);
            }
        }

        if (overflow)
        {
            Close();
            return false;
        }

        if (flush)
        {
            _ = FlushAsync();
        }

        return true;
    }

    /// <summary>Appends under <see cref="_gate"/>; sets <paramref name="flush"/> when no flush is running.</summary>
    private void Append(ReadOnlySpan<byte> frame, ref bool flush)
    {
        if (_pending.Length - _pendingLength < frame.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_pending.Length * 2, _pendingLength + frame.Length));
            _pending.AsSpan(0, _pendingLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = bigger;
        }

        frame.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += frame.Length;
        if (!_writing)
        {
            _writing = true;
            flush = true;
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                int length;
                lock (_gate)
                {
                    if (_pendingLength == 0 || IsClosed)
                    {
                        _writing = false;
                        return;
                    }

                    (_pending, _sending) = (_sending, _pending);
                    length = _pendingLength;
                    _pendingLength = 0;
                }

                var sent = 0;
                while (sent < length)
                {
                    sent += await _socket.SendAsync(_sending.AsMemory(sent, length - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // The peer went away: the read loop sees it too and the connection closes.
            Close();
        }
    }

    private async Task ReadLoopAsync(IFrameHandler handler)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                int received;
                try
                {
                    received = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None);
                }
                catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                {
                    return;
                }

                if (received == 0)
                {
                    return;
                }

                end += received;
                var needed = 0;
                while (end - start >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start));
                    if (length < 0 || length > _maxFrameBytes)
                    {
                        throw new GatewayProtocolException($"Frame length {length} is outside 0..{_maxFrameBytes} (MaxFrameBytes).");
                    }

                    if (end - start - 4 < length)
                    {
                        needed = 4 + length;
                        break;
                    }

                    handler.OnFrame(buffer.AsMemory(start + 4, length));
                    start += 4 + length;
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (needed > buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(needed);
                    buffer.AsSpan(start, end - start).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                    end -= start;
                    start = 0;
                }
                else if (end == buffer.Length || buffer.Length - start < Math.Max(needed, 4))
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ReceiveExactlyAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < target.Length)
        {
            var n = await _socket.ReceiveAsync(target[read..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new GatewayProtocolException("The peer closed the connection during the handshake.");
            }

            read += n;
        }
    }
}
