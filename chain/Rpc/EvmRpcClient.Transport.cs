using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Marketplace.Chain.Rpc;

/// <summary>Framing of JSON-RPC 2.0 requests over HTTP POST, with time and size limits.</summary>
public sealed partial class EvmRpcClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private async Task<JsonElement> SendAsync(string method, Action<Utf8JsonWriter> writeParameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var body = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNumber("id", id);
            writer.WriteString("method", method);
            writer.WritePropertyName("params");
            writer.WriteStartArray();
            writeParameters(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        byte[] responseBody;
        System.Net.HttpStatusCode status;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint);
            request.Content = new ReadOnlyMemoryContent(body.WrittenMemory);
            request.Content.Headers.ContentType = JsonContentType;
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = response.StatusCode;
            responseBody = await ReadLimitedAsync(method, response.Content, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ChainTimeoutException($"{method}: no answer from {_options.Endpoint} within {_options.RequestTimeout}.", _options.RequestTimeout, e);
        }
        catch (HttpRequestException e)
        {
            throw new ChainTransportException(method, $"request to {_options.Endpoint} failed: {e.Message}", e.StatusCode, e);
        }
        catch (IOException e)
        {
            throw new ChainTransportException(method, $"reading the answer from {_options.Endpoint} failed: {e.Message}", null, e);
        }

        return ParseResponse(method, id, status, responseBody);
    }

    private async Task<byte[]> ReadLimitedAsync(string method, HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            throw new ChainTransportException(method, $"the answer of {content.Headers.ContentLength} bytes exceeds the limit of {_options.MaxResponseBytes}.");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            while (true)
            {
                var read = await stream.ReadAsync(buffer.GetMemory(8192), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.WrittenSpan.ToArray();
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > _options.MaxResponseBytes)
                {
                    throw new ChainTransportException(method, $"the answer exceeds the limit of {_options.MaxResponseBytes} bytes.");
                }
            }
        }
    }

    private static JsonElement ParseResponse(string method, long id, System.Net.HttpStatusCode status, byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            if ((int)status is < 200 or > 299)
            {
                throw new ChainTransportException(method, $"the node answered HTTP {(int)status} {status}.", status, e);
            }

            throw new ChainFormatException($"{method}: the answer is not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ChainFormatException($"{method}: the answer is not a JSON-RPC object.");
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                throw ReadError(method, error);
            }

            if ((int)status is < 200 or > 299)
            {
                throw new ChainTransportException(method, $"the node answered HTTP {(int)status} {status}.", status);
            }

            if (!root.TryGetProperty("id", out var answerId) || answerId.ValueKind != JsonValueKind.Number ||
                !answerId.TryGetInt64(out var number) || number != id)
            {
                throw new ChainFormatException($"{method}: the answer's id does not match the request id {id}.");
            }

            if (!root.TryGetProperty("result", out var result))
            {
                throw new ChainFormatException($"{method}: the answer has neither result nor error.");
            }

            return result.Clone();
        }
    }

    private static ChainRpcException ReadError(string method, JsonElement error)
    {
        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var n) ? n : 0;
        var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "(no message)";
        string? data = null;
        if (error.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            data = d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText();
        }

        return new ChainRpcException(method, code, message, data);
    }
}
