namespace Marketplace.Grains.Ledger;

/// <summary>The embedded ledger's settings, bound from <c>Marketplace:Ledger</c> and checked at start
/// (<see cref="LedgerOptionsValidator"/>).</summary>
internal sealed class LedgerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Ledger";

    /// <summary>Whether the job flow settles jobs through the ledger (default false): escrow at submit, pay on a
    /// verified result, refund otherwise. The ledger answers its calls either way, so accounts can be funded before
    /// it is switched on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Time from an unstake request to its release (default 7 days).</summary>
    public TimeSpan UnstakeDelay { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Bonded stake a worker needs to be matched, in smallest units (default 1,000,000,000: a thousand price
    /// units). Not enforced by the ledger; matching reads it from the terms.</summary>
    public long MinimumStake { get; set; } = 1_000_000_000;

    /// <summary>Percent of a job's charge that goes to its committee, split evenly (default 5; 0 to 10, the ceiling
    /// the settlement seeds allow for a platform fee).</summary>
    public int CommitteeFeePercent { get; set; } = 5;

    /// <summary>Percent of the stake slashed for a timeout (default 20).</summary>
    public int TimeoutSlashPercent { get; set; } = 20;

    /// <summary>Percent of the stake slashed for a wrong result (default 50).</summary>
    public int WrongResultSlashPercent { get; set; } = 50;

    /// <summary>Percent of the stake slashed for signing two results of one job (default 100).</summary>
    public int DoubleSignSlashPercent { get; set; } = 100;

    /// <summary>Percent of the stake slashed for unavailability (default 10).</summary>
    public int UnavailabilitySlashPercent { get; set; } = 10;

    /// <summary>Journal entries kept (default 1,000, at least 10); older ones are folded into the checkpoint of
    /// balances. The whole ledger is one stored record, so this bounds the size of every write.</summary>
    public int MaxJournalEntries { get; set; } = 1_000;

    /// <summary>The percentage of <paramref name="reason"/>.</summary>
    public int SlashPercent(GrainInterfaces.SlashReason reason) => reason switch
    {
        GrainInterfaces.SlashReason.Timeout => TimeoutSlashPercent,
        GrainInterfaces.SlashReason.WrongResult => WrongResultSlashPercent,
        GrainInterfaces.SlashReason.DoubleSign => DoubleSignSlashPercent,
        GrainInterfaces.SlashReason.Unavailability => UnavailabilitySlashPercent,
        _ => throw new GrainInterfaces.InvalidRequestException($"reason: {(int)reason} is not a slash reason"),
    };
}
