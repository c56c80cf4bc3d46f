namespace Marketplace.Storage.ReedSolomon;

/// <summary>The one exception type of this library: an operation refused for the reason in <see cref="Error"/>.</summary>
public sealed class ErasureCodingException : Exception
{
    /// <summary>Creates the exception with its reason and a message for people.</summary>
    public ErasureCodingException(ErasureCodingError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Why the operation was refused.</summary>
    public ErasureCodingError Error { get; }
}
