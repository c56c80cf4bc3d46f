namespace Marketplace.GrainInterfaces;

/// <summary>A program's state at a root is asked for that is neither its current state nor a past version it still
/// keeps (the last commits, within a count and byte budget). Code <c>state_not_kept</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.state-not-kept")]
public sealed class StateNotKeptException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "state_not_kept";

    /// <summary>Creates the error.</summary>
    public StateNotKeptException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
