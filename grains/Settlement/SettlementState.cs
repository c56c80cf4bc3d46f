using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

/// <summary>What the chain settlement grain persists: the outbox of transactions under way, every job's escrow and
/// its settlement, the queue of settled jobs waiting for a batch, the receipts of finished operations, and a journal
/// of what moved (in the ledger's account names).</summary>
[GenerateSerializer]
[Alias("marketplace.chain-settlement-state")]
internal sealed class SettlementState
{
    /// <summary>The last journal sequence handed out.</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>Receipts of finished deposits, withdrawals, stakes, unstakes and earnings withdrawals by
    /// <c>operation/id</c>; kept for good.</summary>
    [Id(1)] public Dictionary<string, LedgerReceipt> Operations { get; set; } = [];

    /// <summary>Jobs escrowed (or being escrowed) by job id: every unsettled one, and the newest settled ones
    /// (<see cref="ChainSettlementOptions.SettledJobsKept"/>); older settled ones are in <see cref="ISettledChainJobGrain"/>.</summary>
    [Id(2)] public Dictionary<string, ChainJob> Jobs { get; set; } = [];

    /// <summary>Every slash by evidence hash.</summary>
    [Id(3)] public Dictionary<string, SlashResult> Slashes { get; set; } = [];

    /// <summary>Transactions signed and not yet finished with, by <c>operation#step</c>.</summary>
    [Id(4)] public Dictionary<string, OutboxTransaction> Outbox { get; set; } = [];

    /// <summary>Settled jobs waiting for a batch, in settlement order.</summary>
    [Id(5)] public List<string> Queue { get; set; } = [];

    /// <summary>The batch signed and not yet confirmed, if any (at most one at a time).</summary>
    [Id(6)] public BatchRecord? InFlight { get; set; }

    /// <summary>Batches sent by this settlement (the local batch number of the last one).</summary>
    [Id(7)] public long BatchCount { get; set; }

    /// <summary>The journal entries since the last sealed page, oldest first (older ones are in sealed pages, see
    /// <see cref="JournalPages"/>).</summary>
    [Id(8)] public List<LedgerEntry> Journal { get; set; } = [];

    /// <summary>The last confirmed batches, newest last (at most <see cref="SettlementGrain.BatchesKept"/>).</summary>
    [Id(9)] public List<BatchRecord> Batches { get; set; } = [];

    /// <summary>The last block whose Escrow events were read (refunds made on the chain without the marketplace).</summary>
    [Id(10)] public ulong EventsScannedThrough { get; set; }

    /// <summary>The first sequence of each sealed journal page kept, oldest first: each page is a record of its own
    /// (<see cref="SettlementGrain.JournalPageEntries"/> entries), written once, so the journal adds at most one page to
    /// every write of this record.</summary>
    [Id(11)] public List<long> JournalPages { get; set; } = [];

    /// <summary>The hash of the newest entry (the anchor's when there is none); null in a record stored before the
    /// journal was chained.</summary>
    [Id(12)] public byte[]? Head { get; set; }

    /// <summary>What the oldest kept chained entry chains from: the last entry of the newest dropped chained page, or
    /// the last entry posted before the journal was chained.</summary>
    [Id(13)] public LedgerChainAnchor? Anchor { get; set; }

    /// <summary>The last entry (sequence and hash) of each sealed page of chained entries, by the page's first
    /// sequence: the anchor once the page is dropped.</summary>
    [Id(14)] public Dictionary<long, LedgerChainAnchor> JournalPageEnds { get; set; } = [];
}

/// <summary>A sealed page of the chain settlement's journal, stored beside the settlement's record.</summary>
[GenerateSerializer]
[Alias("marketplace.chain-journal-page")]
internal sealed class SettlementJournalPage
{
    /// <summary>The page's entries, oldest first, consecutive sequences.</summary>
    [Id(0)] public List<LedgerEntry> Entries { get; set; } = [];
}

/// <summary>Where a job's escrow is on the chain.</summary>
public enum ChainJobStage
{
    /// <summary>Its deposit is under way.</summary>
    Escrowing = 0,

    /// <summary>Deposited: open on the chain.</summary>
    Open = 1,

    /// <summary>Settled (paid or refunded) here, waiting for its batch.</summary>
    Queued = 2,

    /// <summary>In the batch being sent.</summary>
    Batched = 3,

    /// <summary>Settled on the chain.</summary>
    Confirmed = 4,
}

/// <summary>A job's escrow on the chain.</summary>
[GenerateSerializer]
[Alias("marketplace.chain-job")]
internal sealed class ChainJob
{
    /// <summary>The escrow as <see cref="ISettlement"/> answers it (with its settlement once settled).</summary>
    [Id(0)] public JobEscrow Escrow { get; set; } = new();

    /// <summary>The job's id on the chain: keccak-256 of the job id (hex).</summary>
    [Id(1)] public string ChainJobId { get; set; } = "";

    /// <summary>Its deposit index (0 until deposited).</summary>
    [Id(2)] public ulong JobIndex { get; set; }

    /// <summary>Its refund deadline (unix seconds).</summary>
    [Id(3)] public ulong Deadline { get; set; }

    /// <summary>Where it is.</summary>
    [Id(4)] public ChainJobStage Stage { get; set; }

    /// <summary>The local number of the batch that settled it (0: none yet, or settled outside a batch).</summary>
    [Id(5)] public long BatchNumber { get; set; }

    /// <summary>The deposit transaction.</summary>
    [Id(6)] public string DepositTransaction { get; set; } = "";

    /// <summary>The transaction that settled it on the chain.</summary>
    [Id(7)] public string SettlementTransaction { get; set; } = "";

    /// <summary>While it is escrowing with other jobs of its client: the outbox key of their batch deposit
    /// (empty: a deposit of its own).</summary>
    [Id(8)] public string DepositStep { get; set; } = "";
}

/// <summary>A <c>releaseBatch</c> transaction and the jobs it settles.</summary>
[GenerateSerializer]
[Alias("marketplace.chain-batch")]
internal sealed class BatchRecord
{
    /// <summary>The local batch number (1, 2, ...).</summary>
    [Id(0)] public long Number { get; set; }

    /// <summary>The jobs, in entry order.</summary>
    [Id(1)] public List<string> JobIds { get; set; } = [];

    /// <summary>The Merkle root computed here (hex).</summary>
    [Id(2)] public string Root { get; set; } = "";

    /// <summary>The outbox key of its transaction.</summary>
    [Id(3)] public string OutboxKey { get; set; } = "";

    /// <summary>The contract's batch id once mined (0 before).</summary>
    [Id(4)] public ulong ChainBatchId { get; set; }

    /// <summary>The transaction hash once mined.</summary>
    [Id(5)] public string TransactionHash { get; set; } = "";

    /// <summary>Gas used once mined.</summary>
    [Id(6)] public ulong GasUsed { get; set; }

    /// <summary>How many jobs it settled, kept once it is confirmed (its job ids are dropped then: each settled job
    /// names its batch).</summary>
    [Id(7)] public int JobCount { get; set; }
}

/// <summary>Where an outbox transaction is.</summary>
public enum OutboxStatus
{
    /// <summary>Signed and stored; perhaps sent (the answer was not recorded).</summary>
    Signed = 0,

    /// <summary>The node accepted it.</summary>
    Sent = 1,

    /// <summary>Mined with status 1.</summary>
    Mined = 2,

    /// <summary>Mined with status 0.</summary>
    Reverted = 3,

    /// <summary>Its nonce was used by another transaction: it will never be mined.</summary>
    Dropped = 4,
}

/// <summary>A transaction of the outbox: signed and stored before it is sent, so that a retry or a new activation
/// sends the very same bytes (same nonce, same hash) or finds their receipt, never a second transaction.</summary>
[GenerateSerializer]
[Alias("marketplace.chain-outbox-transaction")]
internal sealed class OutboxTransaction
{
    /// <summary>The operation and step it belongs to (<c>operation#step</c>).</summary>
    [Id(0)] public string Key { get; set; } = "";

    /// <summary>The sending account.</summary>
    [Id(1)] public string From { get; set; } = "";

    /// <summary>Its nonce.</summary>
    [Id(2)] public ulong Nonce { get; set; }

    /// <summary>The signed transaction (hex).</summary>
    [Id(3)] public string Raw { get; set; } = "";

    /// <summary>Its hash.</summary>
    [Id(4)] public string Hash { get; set; } = "";

    /// <summary>Where it is.</summary>
    [Id(5)] public OutboxStatus Status { get; set; }

    /// <summary>The block it was mined in (0 before).</summary>
    [Id(6)] public ulong Block { get; set; }

    /// <summary>Gas used (0 before it was mined).</summary>
    [Id(7)] public ulong GasUsed { get; set; }

    /// <summary>When it was signed (its current version).</summary>
    [Id(8)] public DateTimeOffset SignedAt { get; set; }

    /// <summary>Earlier versions (raw hex) it replaced with higher fees: same nonce, so at most one of them and the
    /// current one is ever mined.</summary>
    [Id(9)] public List<string> EarlierRaws { get; set; } = [];

    /// <summary>True while it is not mined, reverted or dropped.</summary>
    public bool Unfinished => Status is OutboxStatus.Signed or OutboxStatus.Sent;
}
