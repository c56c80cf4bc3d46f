using System.Reflection;
using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime;

/// <summary>One grain call as seen by a call filter.</summary>
public interface IGrainCallContext
{
    /// <summary>The request (method arguments live here).</summary>
    IInvokable Request { get; }

    /// <summary>The grain being called.</summary>
    GrainId TargetId { get; }

    /// <summary>The calling grain, when the call comes from a grain.</summary>
    GrainId? SourceId { get; }

    /// <summary>The full name of the grain interface.</summary>
    string InterfaceName { get; }

    /// <summary>The method name.</summary>
    string MethodName { get; }

    /// <summary>The interface type.</summary>
    Type InterfaceType { get; }

    /// <summary>The interface method, looked up lazily (uses reflection: avoid on hot paths).</summary>
    MethodInfo? InterfaceMethod { get; }

    /// <summary>The result; set after <see cref="Invoke"/> completes, may be replaced by a filter.</summary>
    object? Result { get; set; }

    /// <summary>Calls the next filter or, at the end of the chain, the grain method (or sends the call).</summary>
    Task Invoke();
}

/// <summary>An incoming call, on the callee's silo.</summary>
public interface IIncomingGrainCallContext : IGrainCallContext
{
    /// <summary>The grain instance.</summary>
    object Grain { get; }
}

/// <summary>An outgoing call, on the caller's side.</summary>
public interface IOutgoingGrainCallContext : IGrainCallContext
{
}

/// <summary>
/// Wraps every incoming grain call on the silo (register with <c>AddIncomingGrainCallFilter</c>, or implement on a grain
/// class to filter only that grain's calls, after the silo-wide filters).
/// </summary>
public interface IIncomingGrainCallFilter
{
    /// <summary>Handles the call; call <see cref="IGrainCallContext.Invoke"/> to continue.</summary>
    Task Invoke(IIncomingGrainCallContext context);
}

/// <summary>Wraps every outgoing grain call (register with <c>AddOutgoingGrainCallFilter</c>).</summary>
public interface IOutgoingGrainCallFilter
{
    /// <summary>Handles the call; call <see cref="IGrainCallContext.Invoke"/> to continue.</summary>
    Task Invoke(IOutgoingGrainCallContext context);
}
