namespace Marketplace.GrainInterfaces;

/// <summary>A module or manifest failed deploy checks (validation, exports, imports, limits, signature). Code <c>program_rejected</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.program-rejected")]
public sealed class ProgramRejectedException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "program_rejected";

    /// <summary>Creates the error.</summary>
    public ProgramRejectedException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
