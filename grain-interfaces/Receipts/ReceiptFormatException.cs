namespace Marketplace.GrainInterfaces;

/// <summary>
/// A receipt encoding or receipt file is not acceptable: truncated, trailing bytes, a wrong domain tag, a length out
/// of range, a value that is not canonical (an unknown ABI or outcome byte, invalid UTF-8, a timestamp finer than a
/// millisecond), a hash that is not 32 bytes, or JSON with unknown or missing members.
/// </summary>
/// <remarks><see cref="ReceiptCodec"/> and <see cref="ReceiptJson"/> throw this type, and only this type, for bad
/// input.</remarks>
public sealed class ReceiptFormatException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public ReceiptFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ReceiptFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
