namespace Marketplace.Grains.Settlement;

/// <summary>The chain settlement's settings, bound from <c>Marketplace:Settlement:Chain</c> and checked at start
/// (<see cref="ChainSettlementOptionsValidator"/>) when <see cref="Enabled"/> is on.</summary>
public sealed class ChainSettlementOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Settlement:Chain";

    /// <summary>Whether the marketplace settles on the chain (default false: the embedded ledger settles). On, the
    /// settlement grain (<c>ISettlement</c>, key <c>default</c>) is the chain's and jobs are paid through it.</summary>
    public bool Enabled { get; set; }

    /// <summary>The node's JSON-RPC HTTP endpoint, e.g. <c>http://127.0.0.1:8545</c>.</summary>
    public string RpcUrl { get; set; } = "";

    /// <summary>The chain id the node must report (31337 for anvil); a mismatch stops every settlement call.</summary>
    public long ChainId { get; set; }

    /// <summary>The settlement key, 32 bytes in hex (with or without <c>0x</c>). Prefer <see cref="PrivateKeyFile"/> or
    /// the environment (<c>Marketplace__Settlement__Chain__PrivateKey</c>); it is never logged.</summary>
    public string PrivateKey { get; set; } = "";

    /// <summary>A file holding the settlement key in hex (whitespace ignored); used when <see cref="PrivateKey"/> is empty.</summary>
    public string PrivateKeyFile { get; set; } = "";

    /// <summary>The <c>Escrow</c> contract's address.</summary>
    public string EscrowAddress { get; set; } = "";

    /// <summary>The <c>Staking</c> contract's address.</summary>
    public string StakingAddress { get; set; } = "";

    /// <summary>The ERC-20 token both contracts use (checked against their <c>token()</c>).</summary>
    public string TokenAddress { get; set; } = "";

    /// <summary>The <c>ReceiptRelease</c> contract's address, which releases a job's escrow to anyone presenting its
    /// signed receipt (<c>marketplace claim</c>); empty when the deployment has none. Shown to clients with the
    /// settlement's terms and checked for code at start.</summary>
    public string ReceiptReleaseAddress { get; set; } = "";

    /// <summary>Jobs settled per <c>releaseBatch</c> transaction at most (default 250; 1 to 1,000).</summary>
    public int BatchSize { get; set; } = 250;

    /// <summary>The longest a settled job waits for its batch (default 5 s): a batch is sent when it is full or when
    /// this much time has passed since the last one.</summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the active settlement grain reads the Escrow's events to record refunds made on the chain
    /// without the marketplace (default 5 s; <see cref="TimeSpan.Zero"/> turns it off: such a refund is then noticed
    /// when the job is next settled).</summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A sent transaction with no receipt this long after it was signed is replaced by the same
    /// transaction (same nonce) with fees raised by at least 12.5 % and to at least the current estimate (default
    /// 30 s; <see cref="TimeSpan.Zero"/> never replaces). A replacement is stored before it is sent, and whichever
    /// version is mined counts.</summary>
    public TimeSpan ReplaceAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The highest max fee per gas a replacement may offer, in wei (default 1,000 gwei); a transaction whose
    /// fees reached it waits instead.</summary>
    public string MaxFeePerGasCapWei { get; set; } = "1000000000000";

    /// <summary>Blocks on top of a transaction's block before it counts as final (default 0: its receipt is enough,
    /// right for a development chain; a public chain wants more).</summary>
    public int Confirmations { get; set; }

    /// <summary>How long a settlement call waits for one transaction's receipt (default 2 minutes); past it the call
    /// fails and the transaction stays in the outbox, checked again on the next call.</summary>
    public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A deposit's deadline is the chain's time plus this (default 30 days): from then on the client (or
    /// anyone) may refund the job on the chain without the marketplace.</summary>
    public TimeSpan DeadlineMargin { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Percent of a job's charge that goes to its committee, split evenly (default 5; 0 to 10), as in the
    /// embedded ledger.</summary>
    public int CommitteeFeePercent { get; set; } = 5;

    /// <summary>A custodial account (a client's or a worker's) whose native balance falls below this many wei gets
    /// <see cref="GasTopUpWei"/> from the settlement account before it sends (default 0.01 ether).</summary>
    public string GasFloorWei { get; set; } = "10000000000000000";

    /// <summary>What a top-up sends, in wei (default 0.05 ether).</summary>
    public string GasTopUpWei { get; set; } = "50000000000000000";

    /// <summary>Settled jobs whose batch is confirmed that the settlement keeps in its own record, newest first
    /// (default 16; 0 to 100,000). Older ones move to a record of their own per job, read again only when the job is
    /// asked about, so the settlement's record, written on every escrow and settlement, stays the same size however
    /// many jobs the marketplace has run.</summary>
    public int SettledJobsKept { get; set; } = 16;

    /// <summary>Journal entries kept at least (default 256; 10 to 100,000), in sealed pages of 32 stored beside the
    /// settlement's record plus the page being filled. Balances are the chain's, so older entries are only history;
    /// they are dropped a page at a time, and the journal page says through which entry it is compacted.</summary>
    public int JournalEntriesKept { get; set; } = 256;

    /// <summary>Where a client's or worker's withdrawals go, by client or worker id (an address each). An owner not
    /// listed withdraws to the settlement account, the marketplace's side of "outside".</summary>
    public Dictionary<string, string> WithdrawalAddresses { get; set; } = new(StringComparer.Ordinal);
}
