namespace Marketplace.Runtime;

/// <summary>Base of the runtime's exception family (Orleans' <c>OrleansException</c>).</summary>
public class GrainRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainRuntimeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GrainRuntimeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public GrainRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A call would deadlock: it re-enters a non-reentrant grain that is waiting (directly or through other grains) for this
/// very call. The message names the cycle, e.g. <c>a/1 -> b/2 -> a/1</c>.
/// </summary>
public sealed class DeadlockException : GrainRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public DeadlockException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception naming the cycle.</summary>
    public DeadlockException(string message, IReadOnlyList<GrainId> callChain)
        : base(message) => CallChain = callChain;

    /// <summary>The grains in the cycle, first to last (the last is the re-entered grain).</summary>
    public IReadOnlyList<GrainId> CallChain { get; } = [];
}

/// <summary>
/// An exception thrown by a grain on another silo whose type this process cannot rebuild: keeps the original type name,
/// message and remote stack trace.
/// </summary>
public sealed class RemoteGrainException : GrainRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public RemoteGrainException(string originalTypeName, string message, string? remoteStackTrace)
        : base($"{originalTypeName}: {message}")
    {
        OriginalTypeName = originalTypeName;
        OriginalMessage = message;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>The full name of the exception type thrown remotely.</summary>
    public string OriginalTypeName { get; }

    /// <summary>The original message.</summary>
    public string OriginalMessage { get; }

    /// <summary>The stack trace on the remote side.</summary>
    public string? RemoteStackTrace { get; }
}

/// <summary>Serialization failed: no codec for a type, or malformed data.</summary>
public sealed class GrainSerializationException : GrainRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public GrainSerializationException(string message)
        : base(message)
    {
    }
}

/// <summary>A grain type or interface is not known to this process (missing generated code or grain assembly).</summary>
public sealed class GrainTypeNotFoundException : GrainRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public GrainTypeNotFoundException(string message)
        : base(message)
    {
    }
}

/// <summary>The target silo is not available (it stopped or is stopping).</summary>
public sealed class SiloUnavailableException : GrainRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException(string message)
        : base(message)
    {
    }
}
