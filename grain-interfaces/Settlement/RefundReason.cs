namespace Marketplace.GrainInterfaces;

/// <summary>Why a job's escrow went back to its client (<see cref="ISettlement.RefundAsync"/>).</summary>
public enum RefundReason
{
    /// <summary>The job failed.</summary>
    Failed = 0,

    /// <summary>The job timed out.</summary>
    TimedOut = 1,

    /// <summary>The client cancelled the job.</summary>
    Cancelled = 2,

    /// <summary>The job expired before it started.</summary>
    Expired = 3,

    /// <summary>No verified result arrived by the deadline.</summary>
    NoReceipt = 4,
}
