namespace Marketplace.GrainInterfaces;

/// <summary>No program with this id, or no version of this name, is deployed. Code <c>program_not_found</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.program-not-found")]
public sealed class ProgramNotFoundException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "program_not_found";

    /// <summary>Creates the error.</summary>
    public ProgramNotFoundException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
