namespace Marketplace.GrainInterfaces;

/// <summary>Why a worker's stake is slashed; each reason has its percentage in <see cref="SettlementTerms.SlashPercent"/>.</summary>
public enum SlashReason
{
    /// <summary>The worker accepted a job and let its lease or deadline run out.</summary>
    Timeout = 0,

    /// <summary>The worker's result disagreed with the committee's verified result.</summary>
    WrongResult = 1,

    /// <summary>The worker signed two different results for one job (100 % by default).</summary>
    DoubleSign = 2,

    /// <summary>The worker was offline while it held work or a committee seat.</summary>
    Unavailability = 3,
}
