namespace Marketplace.GrainInterfaces;

/// <summary>Why a worker is a member of an <see cref="AggregatedReceipt"/>'s list.</summary>
public enum CommitteeRole
{
    /// <summary>The worker whose run the job took first (its own receipt is the first candidate).</summary>
    Executor = 0,

    /// <summary>A worker drawn to re-execute the run and sign the receipt hash it agrees with.</summary>
    Committee = 1,

    /// <summary>A fresh worker drawn after the first committee disagreed, to re-execute and break the tie.</summary>
    Rerun = 2,
}
