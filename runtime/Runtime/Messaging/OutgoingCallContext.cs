using System.Reflection;
using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Messaging;

/// <summary>Runs outgoing filters, then sends the call; the last step stores the result.</summary>
internal sealed class OutgoingCallContext(
    GrainReference target, Request request, IOutgoingGrainCallFilter[] filters, Func<OutgoingCallContext, Task> send) : IOutgoingGrainCallContext
{
    private int _next;

    public IInvokable Request => request;

    public GrainReference Target => target;

    public GrainId TargetId => target.GrainId;

    public GrainId? SourceId => (RequestContext.Data?.CurrentRequest as Message)?.Activation?.GrainId;

    public string InterfaceName => request.Method.InterfaceName;

    public string MethodName => request.Method.MethodName;

    public Type InterfaceType => request.Method.InterfaceType;

    public MethodInfo? InterfaceMethod => InterfaceType.GetMethods().FirstOrDefault(m => m.Name == MethodName);

    public object? Result { get; set; }

    public Task Invoke()
    {
        var index = _next++;
        return index < filters.Length ? filters[index].Invoke(this) : send(this);
    }
}
