namespace Marketplace.Crypto;

/// <summary>
/// An encoding given to a decoder is not acceptable: wrong length, non-canonical field element, bad flags,
/// a point off the curve or outside the subgroup, an identity key where one is not allowed.
/// </summary>
/// <remarks>Every decoder in this library throws this type, and only this type, for bad input.</remarks>
public sealed class CryptoFormatException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public CryptoFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CryptoFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
