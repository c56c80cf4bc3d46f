namespace Marketplace.GrainInterfaces;

/// <summary>Two signed receipts are not a double sign (<see cref="DoubleSignEvidence.From"/>): one does not verify,
/// they are of different jobs or keys, or they claim the same result.</summary>
public sealed class NotConflictingException : Exception
{
    /// <summary>Creates the exception saying why the receipts do not conflict.</summary>
    public NotConflictingException(DoubleSignEvidenceFailure failure, string message)
        : base(message) => Failure = failure;

    /// <summary>Creates the exception (for serializers and tooling): reason unknown.</summary>
    public NotConflictingException()
        : this(DoubleSignEvidenceFailure.None, "the receipts do not conflict")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotConflictingException(string message)
        : this(DoubleSignEvidenceFailure.None, message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public NotConflictingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Which check failed.</summary>
    public DoubleSignEvidenceFailure Failure { get; }
}
