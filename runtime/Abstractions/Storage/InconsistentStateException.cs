namespace Marketplace.Runtime.Storage;

/// <summary>
/// A write or clear found a different ETag in storage than the one the grain holds: someone else wrote the state.
/// </summary>
public class InconsistentStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InconsistentStateException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InconsistentStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the stored and the expected ETag.</summary>
    public InconsistentStateException(string message, string? storedETag, string? currentETag)
        : base($"{message} Stored ETag: {storedETag ?? "(none)"}, expected ETag: {currentETag ?? "(none)"}.")
    {
        StoredETag = storedETag;
        CurrentETag = currentETag;
    }

    /// <summary>The ETag found in storage, when known.</summary>
    public string? StoredETag { get; }

    /// <summary>The ETag the grain expected.</summary>
    public string? CurrentETag { get; }
}
