namespace Marketplace.GrainInterfaces;

/// <summary>What happened to a worker that counts for its reputation (see <see cref="ReputationScore"/> for the weight
/// of each).</summary>
public enum ReputationEventKind
{
    /// <summary>A run completed on the worker and its report was accepted.</summary>
    Success = 0,

    /// <summary>A run failed for a reason on the worker's side (the worker lost it, or sent a report whose receipt
    /// does not check). Failures the program or the client caused (traps, fuel, memory) are not recorded.</summary>
    Failure = 1,

    /// <summary>The worker stopped renewing an attempt's lease and the attempt was lost.</summary>
    Timeout = 2,

    /// <summary>The worker was offline or unreachable when it was expected to serve.</summary>
    Unavailable = 3,

    /// <summary>A result the worker computed was confirmed by verification (a committee agreed with it).</summary>
    VerifiedResult = 4,

    /// <summary>A result the worker signed was proven wrong or disputed by verification.</summary>
    WrongResult = 5,

    /// <summary>The worker signed two different results of one job: the worst offence; zeroes the score and bans the
    /// worker for longest.</summary>
    DoubleSign = 6,
}
