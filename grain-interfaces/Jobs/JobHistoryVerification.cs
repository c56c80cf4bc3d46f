namespace Marketplace.GrainInterfaces;

/// <summary>The result of <see cref="JobHistoryChain.Verify"/>.</summary>
/// <param name="Failure">What failed (<see cref="JobHistoryFailure.None"/> when valid).</param>
/// <param name="Detail">One line saying why; empty when valid.</param>
public sealed record JobHistoryVerification(JobHistoryFailure Failure, string Detail)
{
    /// <summary>Nothing failed.</summary>
    public static JobHistoryVerification Valid { get; } = new(JobHistoryFailure.None, "");

    /// <summary>True when nothing failed.</summary>
    public bool IsValid => Failure == JobHistoryFailure.None;
}
