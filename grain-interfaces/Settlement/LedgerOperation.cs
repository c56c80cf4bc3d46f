namespace Marketplace.GrainInterfaces;

/// <summary>What a journal entry records.</summary>
public enum LedgerOperation
{
    /// <summary>Outside → client available.</summary>
    Deposit = 0,

    /// <summary>Client available → outside.</summary>
    Withdrawal = 1,

    /// <summary>Client available → job escrow.</summary>
    Escrow = 2,

    /// <summary>Job escrow → executor and committee earnings, the rest to client available.</summary>
    Payment = 3,

    /// <summary>Job escrow → client available.</summary>
    Refund = 4,

    /// <summary>Outside → worker bonded.</summary>
    Stake = 5,

    /// <summary>Worker bonded → worker unbonding.</summary>
    Unstake = 6,

    /// <summary>Worker unbonding (released) → outside.</summary>
    UnstakeWithdrawal = 7,

    /// <summary>Worker earnings → outside.</summary>
    EarningsWithdrawal = 8,

    /// <summary>Worker bonded and unbonding → treasury.</summary>
    Slash = 9,
}
