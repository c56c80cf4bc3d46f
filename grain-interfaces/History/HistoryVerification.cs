namespace Marketplace.GrainInterfaces;

/// <summary>The result of <see cref="JobHistoryChain.Verify"/> or <see cref="LedgerHistoryChain.Verify"/>.</summary>
/// <param name="Failure">What failed (<see cref="HistoryFailure.None"/> when valid).</param>
/// <param name="Detail">One line saying why; empty when valid.</param>
public sealed record HistoryVerification(HistoryFailure Failure, string Detail)
{
    /// <summary>Nothing failed.</summary>
    public static HistoryVerification Valid { get; } = new(HistoryFailure.None, "");

    /// <summary>True when nothing failed.</summary>
    public bool IsValid => Failure == HistoryFailure.None;
}
