using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Messaging;

/// <summary>A call awaiting its response; the call tracker times it out.</summary>
internal interface ITrackedCall
{
    /// <summary>Expiry in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    long ExpiresAt { get; }

    /// <summary>Fails the call with a timeout.</summary>
    void OnTimeout();

    /// <summary>Fails the call with <paramref name="exception"/>.</summary>
    void Fail(Exception exception);
}

/// <summary>
/// The caller's side of a request with a result. Continuations run asynchronously so a callee's turn never runs its
/// caller's code inline; an awaiting grain resumes on its own activation scheduler.
/// </summary>
internal sealed class PendingCall<T>(Message request, CallTracker tracker, ICodecContext context, TimeSpan timeout)
    : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IResponseSink, ITrackedCall
{
    public long ExpiresAt { get; } = request.ExpiresAt;

    public void OnResponse(Message message, Response response)
    {
        tracker.Remove(message.Id);
        if (response.Exception is { } exception)
        {
            TrySetException(exception);
        }
        else if (response is Response<T> typed)
        {
            T value;
            try
            {
                value = DeepCopier.Copy(typed.Value, context);
            }
            catch (GrainSerializationException copyFailure)
            {
                TrySetException(copyFailure);
                return;
            }

            TrySetResult(value);
        }
        else
        {
            TrySetException(new GrainRuntimeException($"{request.MethodName} returned {response.GetType().Name}, expected a {typeof(T).Name}."));
        }
    }

    public Response ReadResponse(ReadOnlyMemory<byte> body, ICodecContext codecContext) =>
        Response.ReadFrom<T>(new CodecReader(body, codecContext), body.Length);

    public void OnTimeout() => TrySetException(CallTracker.TimeoutFor(request, timeout));

    public void Fail(Exception exception)
    {
        tracker.Remove(request.Id);
        TrySetException(exception);
    }
}

/// <summary>The caller's side of a request without result.</summary>
internal sealed class PendingVoidCall(Message request, CallTracker tracker, TimeSpan timeout)
    : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), IResponseSink, ITrackedCall
{
    public long ExpiresAt { get; } = request.ExpiresAt;

    public void OnResponse(Message message, Response response)
    {
        tracker.Remove(message.Id);
        if (response.Exception is { } exception)
        {
            TrySetException(exception);
        }
        else
        {
            TrySetResult();
        }
    }

    public Response ReadResponse(ReadOnlyMemory<byte> body, ICodecContext codecContext) =>
        Response.ReadFrom<object>(new CodecReader(body, codecContext), body.Length);

    public void OnTimeout() => TrySetException(CallTracker.TimeoutFor(request, timeout));

    public void Fail(Exception exception)
    {
        tracker.Remove(request.Id);
        TrySetException(exception);
    }
}
