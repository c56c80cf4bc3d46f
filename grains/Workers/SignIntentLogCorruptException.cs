namespace Marketplace.Grains.Workers;

/// <summary>A worker's sign-intent log is damaged before its last record: the worker does not start rather than forget
/// which results it claimed (see <see cref="SignIntentLog"/>).</summary>
public sealed class SignIntentLogCorruptException : Exception
{
    /// <summary>Creates the exception (for tooling).</summary>
    public SignIntentLogCorruptException()
        : base("the sign-intent log is damaged")
    {
    }

    /// <summary>Creates the exception with a message saying where and what to do.</summary>
    public SignIntentLogCorruptException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public SignIntentLogCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
