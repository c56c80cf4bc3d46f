using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Tests.Networking;

/// <summary>Records which generated method a proxy call would send (to learn its wire ids); sends nothing.</summary>
public sealed class MethodCapture : IGrainReferenceRuntime
{
    public InvokableMethod? Method { get; private set; }

    public IGrainFactory GrainFactory => throw new NotSupportedException();

    public Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request)
    {
        Method = request.Method;
        return new TaskCompletionSource<TResult>().Task;
    }

    public Task InvokeAsync(GrainReference target, VoidRequest request)
    {
        Method = request.Method;
        return Task.CompletedTask;
    }
}
