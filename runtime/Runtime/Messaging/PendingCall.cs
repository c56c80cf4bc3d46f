// Design: the caller's side of a request with a response. PendingCallBase holds what silo and client share (tracker
// registration, response/timeout/failure handling, first outcome wins); subclasses decide how the result is taken
// (the silo deep-copies it) and on which thread the caller's continuation runs.
// Silo callers (PendingCall): an outcome produced inside an activation's task is delivered after that task, once the
// activation is released (ActivationTaskScheduler.TryRunAfterCurrentTask), so the callee's turn never runs its caller's
// code and the caller resumes on the same thread without a thread-pool hop; an outcome produced while the thread runs
// such deferred work completes at once; any other thread (timeout sweeper, network loop, shutdown) hands the completion
// to the thread pool. Client callers (sdk ClientCall) always run continuations asynchronously.
// The outcome is recorded before the tracker entry is removed, so a silo caller may register with the tracker after
// dispatching (a call answered during dispatch never touches it; see SiloRuntimeClient.Track).
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Scheduling;
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

/// <summary>The caller's side of a request; <typeparamref name="T"/> is the result type (<c>object?</c> for void).</summary>
internal abstract class PendingCallBase<T>(Message request, CallTracker tracker, TimeSpan timeout, TaskCreationOptions options)
    : TaskCompletionSource<T>(options), IResponseSink, ITrackedCall
{
    public long ExpiresAt { get; } = request.ExpiresAt;

    /// <summary>The request this call waits for.</summary>
    protected Message Request => request;

    public void OnResponse(Message message, Response response)
    {
        CompleteFrom(response);
        tracker.Remove(request.Id);
    }

    private void CompleteFrom(Response response)
    {
        if (response.Exception is { } exception)
        {
            Complete(default, exception);
        }
        else if (response is Response<T> typed)
        {
            T value;
            try
            {
                value = TakeResult(typed.Value);
            }
            catch (GrainSerializationException copyFailure)
            {
                Complete(default, copyFailure);
                return;
            }

            Complete(value, null);
        }
        else
        {
            Complete(default, new GrainSerializationException($"{request.MethodName} returned {response.GetType().Name}, expected a {typeof(T).Name}."));
        }
    }

    public Response ReadResponse(ReadOnlyMemory<byte> body, ICodecContext codecContext) =>
        Response.ReadFrom<T>(new CodecReader(body, codecContext), body.Length);

    public void OnTimeout() => Complete(default, CallTracker.TimeoutFor(request, timeout));

    public void Fail(Exception exception)
    {
        Complete(default, exception);
        tracker.Remove(request.Id);
    }

    /// <summary>The caller's copy of a result.</summary>
    /// <exception cref="GrainSerializationException">The result cannot be copied.</exception>
    protected virtual T TakeResult(T value) => value;

    /// <summary>Delivers the outcome to the caller (the first outcome wins).</summary>
    protected abstract void Complete(T? value, Exception? exception);

    /// <summary>Sets the task's outcome now (continuations follow the task's creation options).</summary>
    protected void SetOutcome(T? value, Exception? exception)
    {
        if (exception is not null)
        {
            TrySetException(exception);
        }
        else
        {
            TrySetResult(value!);
        }
    }
}

/// <summary>The caller's side of a grain call made inside the silo (from grain or host code).</summary>
internal sealed class PendingCall<T>(Message request, CallTracker tracker, ICodecContext context, TimeSpan timeout)
    : PendingCallBase<T>(request, tracker, timeout, TaskCreationOptions.None), IThreadPoolWorkItem
{
    private int _completing;
    private T? _value;
    private Exception? _exception;

    /// <summary>True once an outcome arrived (it may still be on its way to the caller's task).</summary>
    public bool HasOutcome => Volatile.Read(ref _completing) != 0;

    /// <summary>Sets the stored outcome (run after the callee's task, or on the thread pool).</summary>
    public void Execute() => SetOutcome(_value, _exception);

    protected override T TakeResult(T value) => DeepCopier.Copy(value, context);

    protected override void Complete(T? value, Exception? exception)
    {
        if (Interlocked.Exchange(ref _completing, 1) != 0)
        {
            return;
        }

        _value = value;
        _exception = exception;
        if (ActivationTaskScheduler.IsRunningDeferredWork)
        {
            Execute();
        }
        else if (!ActivationTaskScheduler.TryRunAfterCurrentTask(this))
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
