namespace Marketplace.Chain;

/// <summary>Base type of every error this library throws on purpose; catch it to handle any chain failure.</summary>
public abstract class ChainException : Exception
{
    /// <summary>Creates the exception with a message that says what went wrong.</summary>
    protected ChainException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    protected ChainException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Bytes or text given to a decoder of this library are not acceptable: RLP that is not canonical or has trailing
/// bytes, a transaction with a bad shape, ABI data that is short or not strictly encoded, a malformed hex quantity
/// or JSON-RPC answer, an unparsable ABI type or JSON ABI.
/// </summary>
/// <remarks>Every decoder and parser in this library throws this type, and only this type, for bad input.</remarks>
public sealed class ChainFormatException : ChainException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public ChainFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ChainFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A transaction breaks a validity rule that does not depend on chain state: a field wider than the protocol
/// allows, a priority fee above the fee cap, a gas limit times fee cap that overflows 256 bits.
/// </summary>
public sealed class InvalidTransactionException : ChainException
{
    /// <summary>Creates the exception naming the broken rule.</summary>
    public InvalidTransactionException(string rule, string message)
        : base(message)
    {
        Rule = rule;
    }

    /// <summary>Stable name of the rule, e.g. <c>priority_fee_above_max_fee</c>.</summary>
    public string Rule { get; }
}
