using Marketplace.Runtime;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Sdk;

/// <summary>
/// A client call waiting for its response, correlated by message id. Continuations run asynchronously so caller code
/// never runs on the connection's read loop.
/// </summary>
internal sealed class ClientCall<T>(Message request, CallTracker tracker, TimeSpan timeout)
    : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IResponseSink, ITrackedCall
{
    public long ExpiresAt { get; } = request.ExpiresAt;

    public void OnResponse(Message message, Response response)
    {
        tracker.Remove(request.Id);
        if (response.Exception is { } exception)
        {
            TrySetException(exception);
        }
        else if (response is Response<T> typed)
        {
            TrySetResult(typed.Value);
        }
        else
        {
            TrySetException(new GrainSerializationException($"{request.MethodName} returned {response.GetType().Name}, expected a {typeof(T).Name}."));
        }
    }

    public Response ReadResponse(ReadOnlyMemory<byte> body, ICodecContext context) =>
        Response.ReadFrom<T>(new CodecReader(body, context), body.Length);

    public void OnTimeout() => TrySetException(CallTracker.TimeoutFor(request, timeout));

    public void Fail(Exception exception)
    {
        tracker.Remove(request.Id);
        TrySetException(exception);
    }
}
