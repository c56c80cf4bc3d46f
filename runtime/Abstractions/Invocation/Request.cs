using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Invocation;

/// <summary>One call's arguments and how to run it, as seen by filters.</summary>
public interface IInvokable
{
    /// <summary>The method being called.</summary>
    InvokableMethod Method { get; }

    /// <summary>Number of arguments (a cancellation token is not counted).</summary>
    int ArgumentCount { get; }

    /// <summary>An argument by position.</summary>
    object? GetArgument(int index);

    /// <summary>The call's cancellation token (default when the method has none).</summary>
    CancellationToken CancellationToken { get; }
}

/// <summary>
/// Base of generated request types: one class per interface method with the arguments as fields and an
/// <see cref="Invoke"/> that calls the grain method directly (no reflection).
/// </summary>
public abstract class Request : IInvokable
{
    /// <inheritdoc />
    public abstract InvokableMethod Method { get; }

    /// <inheritdoc />
    public virtual int ArgumentCount => 0;

    /// <inheritdoc />
    public virtual CancellationToken CancellationToken => default;

    /// <inheritdoc />
    public virtual object? GetArgument(int index) => throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Runs the method on <paramref name="grain"/> and packs the outcome (result or exception) as a response.</summary>
    public abstract ValueTask<Response> Invoke(object grain);

    /// <summary>Makes a response carrying <paramref name="result"/> (used when a filter replaces the result).</summary>
    public abstract Response CreateResponse(object? result);

    /// <summary>Writes the arguments as fields 0..n-1.</summary>
    public virtual void SerializeArguments(CodecWriter writer)
    {
    }

    /// <summary>Reads arguments up to <paramref name="end"/>, skipping unknown fields.</summary>
    public virtual void DeserializeArguments(CodecReader reader, int end)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (reader.TryReadFieldHeader(end, out _, out var wt))
        {
            reader.Skip(wt);
        }
    }

    /// <summary>Deep-copies mutable arguments before an in-process call.</summary>
    public virtual void CopyArguments(ICodecContext? context)
    {
    }
}

/// <summary>Base of generated requests for methods returning <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>.</summary>
/// <typeparam name="TResult">The result type.</typeparam>
public abstract class Request<TResult> : Request
{
    /// <summary>Calls the grain method.</summary>
    protected abstract ValueTask<TResult> InvokeInner(object grain);

    /// <inheritdoc />
    public sealed override ValueTask<Response> Invoke(object grain)
    {
        ValueTask<TResult> pending;
        try
        {
            pending = InvokeInner(grain);
        }
        catch (Exception exception)
        {
            return new ValueTask<Response>(Response.FromException(exception));
        }

        return pending.IsCompletedSuccessfully
            ? new ValueTask<Response>(new Response<TResult>(pending.Result))
            : Await(pending);
    }

    /// <inheritdoc />
    public sealed override Response CreateResponse(object? result) => new Response<TResult>((TResult)result!);

    private static async ValueTask<Response> Await(ValueTask<TResult> pending)
    {
        try
        {
            return new Response<TResult>(await pending);
        }
        catch (Exception exception)
        {
            return Response.FromException(exception);
        }
    }
}

/// <summary>Base of generated requests for methods returning <c>Task</c> or <c>ValueTask</c>.</summary>
public abstract class VoidRequest : Request
{
    /// <summary>Calls the grain method.</summary>
    protected abstract ValueTask InvokeInner(object grain);

    /// <inheritdoc />
    public sealed override ValueTask<Response> Invoke(object grain)
    {
        ValueTask pending;
        try
        {
            pending = InvokeInner(grain);
        }
        catch (Exception exception)
        {
            return new ValueTask<Response>(Response.FromException(exception));
        }

        return pending.IsCompletedSuccessfully ? new ValueTask<Response>(Response.Completed) : Await(pending);
    }

    /// <inheritdoc />
    public sealed override Response CreateResponse(object? result) => Response.Completed;

    private static async ValueTask<Response> Await(ValueTask pending)
    {
        try
        {
            await pending;
            return Response.Completed;
        }
        catch (Exception exception)
        {
            return Response.FromException(exception);
        }
    }
}
