using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Messaging;

/// <summary>Receives the outcome of a request: a local caller's pending call, or a connection back to a remote caller.</summary>
internal interface IResponseSink
{
    /// <summary>Delivers the response to <paramref name="request"/>.</summary>
    void OnResponse(Message request, Response response);

    /// <summary>Turns a serialized response body into a response (the sink knows the expected result type).</summary>
    Response ReadResponse(ReadOnlyMemory<byte> body, Serialization.ICodecContext context);
}
