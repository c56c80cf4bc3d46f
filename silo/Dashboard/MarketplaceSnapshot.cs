using System.Text.Json.Serialization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Dashboard;

/// <summary>
/// What the marketplace page shows at one moment (<c>GET /dashboard/marketplace/api/snapshot</c>, and each
/// <c>snapshot</c> event of <c>/dashboard/marketplace/api/events</c>), in the wire format of the HTTP API
/// (snake_case members, enums as snake_case strings, amounts as JSON numbers of smallest units).
/// </summary>
/// <remarks>Each section reads its own grains; a section whose grains did not answer carries a <c>problem</c> (a fixed
/// phrase; the cause is logged as event 6050) and empty lists, and the other sections are still shown.</remarks>
/// <param name="GeneratedAt">When the snapshot was read.</param>
/// <param name="RefreshIntervalMs">How often the event stream sends a new snapshot.</param>
/// <param name="Jobs">Jobs by state and the most recent jobs.</param>
/// <param name="Throughput">Jobs completed per minute and submit-to-completed latency.</param>
/// <param name="Verification">Receipts and the committees' verification of the recent jobs.</param>
/// <param name="Workers">Workers with capacity, asking price (their bid) and reputation.</param>
/// <param name="Storage">Storage providers and deals with their health.</param>
/// <param name="Settlement">Escrow and settlement: the settlement's mode and terms, client balances.</param>
internal sealed record MarketplaceSnapshot(
    DateTimeOffset GeneratedAt,
    long RefreshIntervalMs,
    JobsSection Jobs,
    ThroughputSection Throughput,
    VerificationSection Verification,
    WorkersSection Workers,
    StorageSection Storage,
    SettlementSection Settlement);

/// <summary>The jobs in the lists of the clients the silo has API keys for (each list keeps a client's newest 1,000).</summary>
/// <param name="Clients">Clients whose lists were read.</param>
/// <param name="ClientsTruncated">True when more clients have keys than the page reads (the first by id are read).</param>
/// <param name="Listed">Jobs counted.</param>
/// <param name="ByState">How many of them are in each state, every state listed.</param>
/// <param name="Recent">The newest jobs, newest first, with their details.</param>
/// <param name="Problem">Why the section is empty, or null.</param>
internal sealed record JobsSection(int Clients, bool ClientsTruncated, int Listed, IReadOnlyList<JobStateCount> ByState, IReadOnlyList<RecentJob> Recent, string? Problem);

/// <summary>The number of listed jobs in one state.</summary>
internal sealed record JobStateCount(JobStatus State, int Count);

/// <summary>One of the newest jobs as the page's table shows it.</summary>
/// <param name="JobId">The job.</param>
/// <param name="ClientId">Its client.</param>
/// <param name="ProgramId">Its program.</param>
/// <param name="State">Its state.</param>
/// <param name="CreatedAt">Submitted at.</param>
/// <param name="CompletedAt">Reached its terminal state at, or null.</param>
/// <param name="LatencyMs">Submit to terminal state, milliseconds, or null while it runs.</param>
/// <param name="WorkerId">The worker of its current or last attempt.</param>
/// <param name="PricePerMillionFuel">The winning bid's price.</param>
/// <param name="FuelConsumed">Fuel its last attempt burned.</param>
/// <param name="FailureReason">Why it failed (<c>none</c> when it did not).</param>
/// <param name="Verification">Where its result stands with its committee, or null before its run was reported.</param>
/// <param name="CommitteeSize">The committee it asked for.</param>
/// <param name="Signers">Workers whose signatures are in its aggregated receipt.</param>
/// <param name="ReceiptHash">The hash of its run's receipt, or null.</param>
/// <param name="Escrow">Its escrow: <c>none</c> (free job, or settlement off), <c>open</c>, <c>paid</c>, <c>refunded</c>.</param>
/// <param name="EscrowAmount">The escrowed amount in smallest units (0 without escrow).</param>
internal sealed record RecentJob(
    string JobId,
    string ClientId,
    string ProgramId,
    JobStatus State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    double? LatencyMs,
    string? WorkerId,
    long PricePerMillionFuel,
    long FuelConsumed,
    FailureReason FailureReason,
    VerificationState? Verification,
    int CommitteeSize,
    int Signers,
    string? ReceiptHash,
    EscrowState Escrow,
    UInt128 EscrowAmount);

/// <summary>Where a job's escrow is.</summary>
internal enum EscrowState
{
    /// <summary>No escrow: the job was free (settlement off when it was submitted) or is not known to the settlement.</summary>
    None = 0,

    /// <summary>Escrowed, not settled yet.</summary>
    Open = 1,

    /// <summary>Paid on a verified result.</summary>
    Paid = 2,

    /// <summary>Refunded in full.</summary>
    Refunded = 3,
}

/// <summary>Completed jobs over the last <paramref name="WindowMinutes"/> minutes, from the listed jobs' times.</summary>
/// <param name="WindowMinutes">The window.</param>
/// <param name="CompletedPerMinute">Jobs completed in each minute of the window, oldest first (the last is the minute
/// ending now).</param>
/// <param name="Completed">Jobs completed in the window.</param>
/// <param name="PerMinute">Their mean rate, jobs per minute.</param>
/// <param name="P50Ms">Median submit-to-completed latency of those jobs, milliseconds (null: none completed).</param>
/// <param name="P95Ms">95th percentile of the same (nearest rank).</param>
/// <param name="Problem">Why the section is empty, or null.</param>
internal sealed record ThroughputSection(int WindowMinutes, IReadOnlyList<int> CompletedPerMinute, int Completed, double PerMinute, double? P50Ms, double? P95Ms, string? Problem);

/// <summary>Receipts and committee verification of the recent jobs.</summary>
/// <param name="Jobs">Recent jobs looked at.</param>
/// <param name="WithReceipt">Of those, jobs whose run has a signed receipt.</param>
/// <param name="ByState">Jobs in each verification state (<c>pending</c>: the run is not reported yet).</param>
/// <param name="Attention">Recent jobs being verified or disputed, newest first.</param>
/// <param name="Problem">Why the section is empty, or null.</param>
internal sealed record VerificationSection(int Jobs, int WithReceipt, IReadOnlyList<VerificationCount> ByState, IReadOnlyList<VerificationNote> Attention, string? Problem);

/// <summary>The number of recent jobs in one verification state (null state: not reported yet).</summary>
internal sealed record VerificationCount(VerificationState? State, int Count);

/// <summary>A recent job whose committee is at work or found no majority.</summary>
internal sealed record VerificationNote(string JobId, VerificationState State, int CommitteeSize, int DistinctResults, IReadOnlyList<string> Losers, IReadOnlyList<string> Unavailable, string? Note);

/// <summary>The known workers, by id.</summary>
/// <param name="Total">Workers the directory heard from.</param>
/// <param name="Online">Of those shown, workers whose heartbeat is fresh.</param>
/// <param name="Capacity">Runs the online workers shown execute at once, summed.</param>
/// <param name="Running">Runs executing now on the workers shown.</param>
/// <param name="Queued">Runs waiting on the workers shown.</param>
/// <param name="Truncated">True when more workers exist than the page shows.</param>
/// <param name="Workers">The workers shown.</param>
/// <param name="Problem">Why the section is empty, or null.</param>
internal sealed record WorkersSection(int Total, int Online, int Capacity, int Running, int Queued, bool Truncated, IReadOnlyList<WorkerRow> Workers, string? Problem);

/// <summary>One worker.</summary>
/// <param name="WorkerId">The worker.</param>
/// <param name="HostId">The host that bids for it (named after its silo's first worker).</param>
/// <param name="Silo">The address of the silo that hosts it (empty while that silo is gone).</param>
/// <param name="Online">Heartbeat fresh.</param>
/// <param name="LastHeartbeat">Its last heartbeat.</param>
/// <param name="Capacity">Runs it executes at once.</param>
/// <param name="Running">Runs executing now.</param>
/// <param name="Queued">Runs waiting.</param>
/// <param name="MaxQueueDepth">Runs it queues before it stops bidding.</param>
/// <param name="PricePerMillionFuel">The price it bids.</param>
/// <param name="Reputation">Its score in [0, 1].</param>
/// <param name="Completed">Attempts it completed.</param>
/// <param name="Failed">Attempts that failed on its side.</param>
/// <param name="RecentLatencyMs">Mean latency of its recent successes, milliseconds (0: none).</param>
/// <param name="BannedUntil">End of its ban, or null.</param>
/// <param name="BanReason">Why it is banned, or null.</param>
/// <param name="Bonded">Its bonded stake (null while the settlement does not settle jobs).</param>
/// <param name="MeetsMinimumStake">Whether the bonded stake reaches the minimum (null as above).</param>
internal sealed record WorkerRow(
    string WorkerId,
    string HostId,
    string Silo,
    bool Online,
    DateTimeOffset LastHeartbeat,
    int Capacity,
    int Running,
    int Queued,
    int MaxQueueDepth,
    long PricePerMillionFuel,
    double Reputation,
    long Completed,
    long Failed,
    double RecentLatencyMs,
    DateTimeOffset? BannedUntil,
    string? BanReason,
    UInt128? Bonded,
    bool? MeetsMinimumStake);

/// <summary>Storage providers and the deals of the clients the silo has API keys for.</summary>
/// <param name="Providers">The providers the cluster has seen (the first shown, by registration).</param>
/// <param name="DealsByState">The deals read, by state, every state listed.</param>
/// <param name="Deals">The newest deals read, newest first.</param>
/// <param name="Problem">Why the section is empty, or null.</param>
internal sealed record StorageSection(IReadOnlyList<ProviderRow> Providers, IReadOnlyList<DealStateCount> DealsByState, IReadOnlyList<DealRow> Deals, string? Problem);

/// <summary>One storage provider.</summary>
internal sealed record ProviderRow(
    string ProviderId,
    bool Online,
    long CapacityBytes,
    long UsedBytes,
    [property: JsonPropertyName("price_per_gib_month")] long PricePerGiBMonth,
    string Silo);

/// <summary>The number of deals read in one state.</summary>
internal sealed record DealStateCount(DealState State, int Count);

/// <summary>One storage deal and its health.</summary>
/// <param name="DealId">The deal.</param>
/// <param name="ClientId">Its client.</param>
/// <param name="State">Its state.</param>
/// <param name="HealthyFragments">Fragments the last check found healthy.</param>
/// <param name="Fragments">All its fragments (k + m).</param>
/// <param name="DataFragments">k: fragments needed to rebuild it.</param>
/// <param name="Length">The blob's bytes.</param>
/// <param name="LastAuditAt">The latest audit of any fragment, or null.</param>
/// <param name="Paid">Whether it pays its providers through the settlement.</param>
/// <param name="PeriodsSettled">Payment periods settled.</param>
/// <param name="PaymentProblem">Why payments stopped, or empty.</param>
/// <param name="CreatedAt">When it was created.</param>
internal sealed record DealRow(
    string DealId,
    string ClientId,
    DealState State,
    int HealthyFragments,
    int Fragments,
    int DataFragments,
    long Length,
    DateTimeOffset? LastAuditAt,
    bool Paid,
    int PeriodsSettled,
    string PaymentProblem,
    DateTimeOffset CreatedAt);

/// <summary>Escrow and settlement.</summary>
/// <param name="Mode"><c>ledger</c> (the embedded ledger) or <c>chain</c> (an EVM chain).</param>
/// <param name="JobsSettle">Whether jobs are escrowed at submit and paid or refunded at the end.</param>
/// <param name="MinimumStake">Bonded stake a worker needs to be matched.</param>
/// <param name="CommitteeFeePercent">Percent of a job's charge that goes to its committee.</param>
/// <param name="Escrows">The recent jobs' escrows by state (<c>none</c>, <c>open</c>, <c>paid</c>, <c>refunded</c>).</param>
/// <param name="Clients">Balances of the clients the silo has API keys for.</param>
/// <param name="Chain">What the chain settlement has under way (null in ledger mode).</param>
/// <param name="Problem">Why the section is empty, or null.</param>
internal sealed record SettlementSection(
    string Mode,
    bool JobsSettle,
    UInt128 MinimumStake,
    int CommitteeFeePercent,
    IReadOnlyList<EscrowCount> Escrows,
    IReadOnlyList<ClientBalanceRow> Clients,
    ChainStatusRow? Chain,
    string? Problem);

/// <summary>The number of recent jobs whose escrow is in one state.</summary>
internal sealed record EscrowCount(EscrowState State, int Count);

/// <summary>A client's funds.</summary>
internal sealed record ClientBalanceRow(string ClientId, UInt128 Available, UInt128 Escrowed);

/// <summary>The chain settlement's queue and its last batches.</summary>
internal sealed record ChainStatusRow(string SettlementAddress, int QueuedJobs, int UnfinishedTransactions, long BatchesSent, IReadOnlyList<ChainBatchRow> RecentBatches);

/// <summary>One confirmed batch of releases.</summary>
internal sealed record ChainBatchRow(long Number, ulong ChainBatchId, int Jobs, ulong GasUsed, string TransactionHash);
