namespace Marketplace.GrainInterfaces;

/// <summary>What a history check found wrong (<see cref="JobHistoryChain.Verify"/>,
/// <see cref="LedgerHistoryChain.Verify"/>).</summary>
public enum HistoryFailure
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>Not a history: a wrong kind, no job, no lines, a member missing, a gap without its hash.</summary>
    Malformed,

    /// <summary>A line's number is not the next one: a line was removed, added or moved.</summary>
    WrongSequence,

    /// <summary>A line's hash is not recomputed from it and the line before: it or an earlier line was edited.</summary>
    HashMismatch,

    /// <summary>The stated head is not the last line's hash.</summary>
    WrongHead,

    /// <summary>The head the reader kept from an earlier look is not among the lines' hashes.</summary>
    SeenHeadMissing,
}
