namespace Marketplace.GrainInterfaces;

/// <summary>
/// Base of every marketplace error a caller can act on. Each concrete type has one stable <see cref="Code"/> (the
/// HTTP API's problem+json <c>code</c>, the CLI's error line); the message says what was wrong with which value.
/// Grain calls carry the concrete type and message to the caller.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.error")]
public abstract class MarketplaceException : Exception
{
    /// <summary>Creates the error.</summary>
    protected MarketplaceException(string message)
        : base(message)
    {
    }

    /// <summary>The stable, machine-readable error code (snake_case), e.g. <c>blob_not_found</c>.</summary>
    public abstract string Code { get; }
}
