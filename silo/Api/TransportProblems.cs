// Design: Kestrel refuses some requests before any middleware runs (a request line or headers over its limits, a
// malformed request line or header, an unsupported HTTP version, a bad Content-Length, headers sent too slowly) and
// answers them itself with an empty body and Connection: close. A connection middleware sits between the socket and
// Kestrel's HTTP parser and holds back what Kestrel writes while no request of that connection is inside the
// application; when such a held write is exactly a bodiless error head (status >= 400, Content-Length: 0, no
// Content-Type) it is replaced by the same status with an application/problem+json body and a stable code. Whatever
// the application writes (its own responses, blob downloads) passes straight through and is never inspected: the
// application marks each request from its first middleware until the response has completed.
using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces.Json;
using Microsoft.AspNetCore.Connections;

namespace Marketplace.Silo.Api;

/// <summary>Gives Kestrel's own error answers (sent before the application runs) a problem+json body.</summary>
internal static class TransportProblems
{
    private static readonly ConcurrentDictionary<string, ConnectionState> Connections = new(StringComparer.Ordinal);

    /// <summary>The connection middleware: wraps the connection's output for the rest of the pipeline.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var state = new ConnectionState(connection.ConnectionId);
        var transport = connection.Transport;
        connection.Transport = new Pipe(new FirstBytesReader(transport.Input, state), new HoldingWriter(transport.Output, state));
        Connections[connection.ConnectionId] = state;
        try
        {
            await next(connection);
        }
        finally
        {
            Connections.TryRemove(connection.ConnectionId, out _);
            connection.Transport = transport;
        }
    };

    /// <summary>Marks <paramref name="context"/>'s request as inside the application until its response completes,
    /// so nothing written for it is held or inspected.</summary>
    public static void EnterApplication(HttpContext context)
    {
        if (!Connections.TryGetValue(context.Connection.Id, out var state))
        {
            return;
        }

        state.InApplication = true;
        state.ApplicationEntered = true;
        context.Response.OnCompleted(static s =>
        {
            ((ConnectionState)s).InApplication = false;
            return Task.CompletedTask;
        }, state);
    }

    /// <summary>The problem+json response replacing <paramref name="written"/>, or null when it is not a bodiless
    /// error head.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> written, string connectionId, bool headRequest = false)
    {
        // "HTTP/1.1 431 Request Header Fields Too Large\r\n...\r\n\r\n" and nothing after it.
        ReadOnlySpan<byte> prefix = "HTTP/1.1 "u8;
        if (written.Length < prefix.Length + 4 || !written.StartsWith(prefix)
            || !written.EndsWith("\r\n\r\n"u8) || written.IndexOf("\r\n\r\n"u8) != written.Length - 4)
        {
            return null;
        }

        var statusText = written.Slice(prefix.Length, 3);
        if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 400)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(written[..^4]);
        var lines = head.Split("\r\n");
        var kept = new List<string>(lines.Length + 3) { lines[0] };
        var emptyBody = false;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                emptyBody = line["Content-Length:".Length..].Trim() == "0";
                continue;
            }

            kept.Add(line);
        }

        if (!emptyBody)
        {
            return null;
        }

        var code = ProblemCodes.ForTransportStatus(status);
        var problem = new ApiProblem
        {
            Type = ProblemCodes.TypePrefix + code,
            Title = ProblemCodes.TitleFor(code),
            Status = status,
            Detail = ProblemCodes.TransportDetail(code),
            Code = code,
            Instance = "",
            TraceId = connectionId,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(problem, MarketplaceJson.Options);
        kept.Add("Content-Type: " + ApiProblem.MediaType);
        kept.Add("Cache-Control: no-store");
        kept.Add("Content-Length: " + body.Length.ToString(CultureInfo.InvariantCulture));
        var newHead = Encoding.ASCII.GetBytes(string.Join("\r\n", kept) + "\r\n\r\n");
        if (headRequest)
        {
            // A HEAD answer carries the length of the body a GET would get, and no body.
            return newHead;
        }

        var result = new byte[newHead.Length + body.Length];
        newHead.CopyTo(result, 0);
        body.CopyTo(result, newHead.Length);
        return result;
    }

    private sealed class ConnectionState(string connectionId)
    {
        private volatile bool _inApplication;

        public string ConnectionId { get; } = connectionId;

        /// <summary>True once a request of this connection reached the application.</summary>
        public bool ApplicationEntered { get; set; }

        /// <summary>The connection's first bytes are a HEAD request line.</summary>
        public bool FirstRequestIsHead { get; set; }

        /// <summary>The first read of the connection has been seen.</summary>
        public bool FirstReadSeen { get; set; }

        public bool InApplication
        {
            get => _inApplication;
            set => _inApplication = value;
        }
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    // Passes reads through and notes whether the connection starts with a HEAD request.
    private sealed class FirstBytesReader(PipeReader inner, ConnectionState state) : PipeReader
    {
        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            Note(result);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            Note(result);
            return true;
        }

        private void Note(ReadResult result)
        {
            if (state.FirstReadSeen || result.Buffer.IsEmpty)
            {
                return;
            }

            state.FirstReadSeen = true;
            Span<byte> start = stackalloc byte[5];
            var length = (int)Math.Min(start.Length, result.Buffer.Length);
            result.Buffer.Slice(0, length).CopyTo(start);
            state.FirstRequestIsHead = start[..length].SequenceEqual("HEAD "u8);
        }
    }

    // Writes go straight to the connection while a request is inside the application; otherwise (and until held
    // bytes are flushed, to keep their order) they are held and inspected at the flush.
    private sealed class HoldingWriter(PipeWriter inner, ConnectionState state) : PipeWriter
    {
        private readonly ArrayBufferWriter<byte> _held = new(256);
        private bool _lastFromHeld;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + _held.WrittenCount;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            _lastFromHeld = Holds;
            return _lastFromHeld ? _held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            _lastFromHeld = Holds;
            return _lastFromHeld ? _held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);
        }

        public override void Advance(int bytes)
        {
            if (_lastFromHeld)
            {
                _held.Advance(bytes);
            }
            else
            {
                inner.Advance(bytes);
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Release();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            Release();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            Release();
            return inner.CompleteAsync(exception);
        }

        private bool Holds => !state.InApplication || _held.WrittenCount > 0;

        private void Release()
        {
            if (_held.WrittenCount == 0)
            {
                return;
            }

            var written = _held.WrittenSpan;
            // Only the first request's method is known here (the connection's first bytes); a HEAD refused later on a
            // kept-alive connection gets the body too, which its client, seeing Connection: close, discards.
            var replacement = Rewrite(written, state.ConnectionId, state.FirstRequestIsHead && !state.ApplicationEntered);
            inner.Write(replacement is null ? written : replacement);
            _held.ResetWrittenCount();
        }
    }
}
