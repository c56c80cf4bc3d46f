namespace Marketplace.Runtime.Streams;

/// <summary>Base of the streaming errors.</summary>
public class StreamException : GrainRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public StreamException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StreamException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A stream id is malformed (empty namespace or key, or the default value).</summary>
public sealed class InvalidStreamIdException : StreamException
{
    /// <summary>Creates the exception.</summary>
    public InvalidStreamIdException(string message)
        : base(message)
    {
    }
}

/// <summary>No stream provider with the requested name is registered.</summary>
public sealed class StreamProviderNotFoundException : StreamException
{
    /// <summary>Creates the exception.</summary>
    public StreamProviderNotFoundException(string message)
        : base(message)
    {
    }
}
