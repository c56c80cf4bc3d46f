namespace Marketplace.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None = 0,

    /// <summary>The grain asked for it (<c>DeactivateOnIdle</c>).</summary>
    ApplicationRequested = 1,

    /// <summary>Idle for longer than the collection age.</summary>
    ActivationIdle = 2,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown = 3,

    /// <summary>Activation failed.</summary>
    ActivationFailed = 4,

    /// <summary>Another activation of the same grain won directory registration.</summary>
    DuplicateActivation = 5,

    /// <summary>The directory failed.</summary>
    DirectoryFailure = 6,
}

/// <summary>A deactivation reason: a code plus a description.</summary>
/// <param name="ReasonCode">The code.</param>
/// <param name="Description">Free text.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{ReasonCode}: {Description}";
}
