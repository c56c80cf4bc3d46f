using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Marketplace.Api.Tests.Abuse;

/// <summary>How a raw exchange ends on the client's side.</summary>
public enum RawEnding
{
    /// <summary>Send everything, then read until the server closes (every request asks for Connection: close).</summary>
    ReadToClose,

    /// <summary>Send, shut down the sending side (a truncated body), then read until the server closes.</summary>
    HalfCloseThenRead,

    /// <summary>Send a partial request, wait <see cref="RawExchange.HoldMs"/>, close (slowloris-ish).</summary>
    HoldThenClose,
}

/// <summary>One hostile request as bytes on a fresh TCP connection.</summary>
/// <param name="Category">What kind of attack (for the summary and failures).</param>
/// <param name="Bytes">Everything sent.</param>
/// <param name="Ending">How the client ends the exchange.</param>
/// <param name="HoldMs">Wait before closing with <see cref="RawEnding.HoldThenClose"/>.</param>
/// <param name="ExpectedResponses">Responses the server must send (0: any number, including none).</param>
/// <param name="IsHead">The (last) request is HEAD: its response has no body.</param>
public sealed record RawExchange(string Category, byte[] Bytes, RawEnding Ending, int HoldMs, int ExpectedResponses, bool IsHead)
{
    /// <summary>The start of the request, printable, for failure messages.</summary>
    public string Shown
    {
        get
        {
            var text = Encoding.Latin1.GetString(Bytes, 0, Math.Min(Bytes.Length, 240));
            var builder = new StringBuilder();
            foreach (var c in text)
            {
                builder.Append(c switch { '\r' => "\\r", '\n' => "\\n", < ' ' or > '~' => $"\\x{(int)c:x2}", _ => c.ToString() });
            }

            return Bytes.Length > 240 ? builder + $"… ({Bytes.Length} bytes)" : builder.ToString();
        }
    }
}

/// <summary>A parsed HTTP response.</summary>
public sealed record RawResponse(int Status, Dictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The Content-Type header, or null.</summary>
    public string? ContentType => Headers.GetValueOrDefault("content-type");
}

/// <summary>What came back for one <see cref="RawExchange"/>.</summary>
public sealed record RawResult(List<RawResponse> Responses, TimeSpan Elapsed, string? Trouble);

/// <summary>Sends raw bytes over TCP and parses the responses, with a bound on the whole exchange.</summary>
public static class RawHttp
{
    /// <summary>Runs <paramref name="exchange"/> against 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<RawResult> RunAsync(int port, RawExchange exchange, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(bound);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var received = new MemoryStream();
        string? trouble = null;
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            try
            {
                await socket.SendAsync(exchange.Bytes, SocketFlags.None, timeout.Token);
            }
            catch (SocketException)
            {
                // The server refused part of what we sent and closed; what it answered is still readable.
            }

            switch (exchange.Ending)
            {
                case RawEnding.HalfCloseThenRead:
                    TryShutdown(socket);
                    await ReadToEndAsync(socket, received, timeout.Token);
                    break;
                case RawEnding.HoldThenClose:
                    using (var hold = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
                    {
                        hold.CancelAfter(exchange.HoldMs);
                        try
                        {
                            await ReadToEndAsync(socket, received, hold.Token);
                        }
                        catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
                        {
                            // Held long enough; we leave.
                        }
                    }

                    break;
                default:
                    await ReadToEndAsync(socket, received, timeout.Token);
                    break;
            }
        }
        catch (OperationCanceledException)
        {
            trouble = $"no end of the exchange within {bound.TotalSeconds:0} s";
        }

        var responses = Parse(received.ToArray(), exchange.IsHead, out var parseTrouble);
        return new RawResult(responses, clock.Elapsed, trouble ?? parseTrouble);
    }

    private static void TryShutdown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Already closed by the server.
        }
    }

    private static async Task ReadToEndAsync(Socket socket, MemoryStream received, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                // A reset after the server's answer (it closed with our unread bytes pending): keep what arrived.
                return;
            }

            if (read == 0)
            {
                return;
            }

            received.Write(buffer, 0, read);
        }
    }

    /// <summary>Parses consecutive HTTP/1.1 responses; 1xx interim responses are skipped.</summary>
    public static List<RawResponse> Parse(byte[] data, bool lastIsHead, out string? trouble)
    {
        var responses = new List<RawResponse>();
        trouble = null;
        var position = 0;
        while (position < data.Length)
        {
            var headEnd = data.AsSpan(position).IndexOf("\r\n\r\n"u8);
            if (headEnd < 0)
            {
                trouble = $"an incomplete response head: {Encoding.Latin1.GetString(data, position, Math.Min(200, data.Length - position))}";
                return responses;
            }

            var lines = Encoding.Latin1.GetString(data, position, headEnd).Split("\r\n");
            position += headEnd + 4;
            var statusLine = lines[0].Split(' ', 3);
            if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(statusLine[1], out var status))
            {
                trouble = $"not a status line: {lines[0]}";
                return responses;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            if (status is >= 100 and < 200)
            {
                continue;
            }

            byte[] body;
            if (lastIsHead || status is 204 or 304)
            {
                body = [];
            }
            else if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                var decoded = new MemoryStream();
                while (true)
                {
                    var lineEnd = data.AsSpan(position).IndexOf("\r\n"u8);
                    if (lineEnd < 0)
                    {
                        trouble = "a truncated chunked response";
                        return responses;
                    }

                    var sizeText = Encoding.ASCII.GetString(data, position, lineEnd).Split(';')[0].Trim();
                    var size = Convert.ToInt32(sizeText, 16);
                    position += lineEnd + 2;
                    if (size == 0)
                    {
                        var trailerEnd = data.AsSpan(position).IndexOf("\r\n"u8);
                        position += trailerEnd < 0 ? data.Length - position : trailerEnd + 2;
                        break;
                    }

                    if (position + size + 2 > data.Length)
                    {
                        trouble = "a truncated chunked response";
                        return responses;
                    }

                    decoded.Write(data, position, size);
                    position += size + 2;
                }

                body = decoded.ToArray();
            }
            else if (headers.TryGetValue("content-length", out var lengthText) && int.TryParse(lengthText, out var length))
            {
                if (position + length > data.Length)
                {
                    trouble = $"a truncated response body ({data.Length - position} of {length} bytes)";
                    return responses;
                }

                body = data[position..(position + length)];
                position += length;
            }
            else
            {
                body = data[position..];
                position = data.Length;
            }

            responses.Add(new RawResponse(status, headers, body));
        }

        return responses;
    }
}
