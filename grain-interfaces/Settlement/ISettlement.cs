// Design note: the settlement is the one place where money moves: clients fund accounts, a job's escrow is taken at
// submit and released once (paid on a verified result, refunded otherwise), workers bond stake and are slashed. Every
// operation names itself (an operation id, a job id, an evidence hash), so a retried call, a call to a reactivated
// grain or one after a silo restart finds the first outcome and moves nothing again. The embedded ledger
// (grains/Ledger) serves this interface today; a settlement on an EVM chain is meant to serve the same calls.
using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The marketplace's settlement (key <see cref="DefaultKey"/>): client balances, job escrow, worker stake. Amounts
/// are <see cref="UInt128"/> counts of the smallest unit (a millionth of a price unit, so
/// <c>fuel × PricePerMillionFuel</c> is exact, see <see cref="SettlementAmounts"/>); an amount of 0 is refused.
/// </summary>
/// <remarks>
/// Every operation is idempotent: deposits, withdrawals, stakes and unstakes by their operation id, job operations by
/// the job id, slashes by the evidence hash. Repeating an operation with the same arguments returns the first
/// outcome and moves nothing; reusing an id with other arguments is a <see cref="SettlementConflictException"/>.
/// A job settles at most once: a second <see cref="PayAsync"/> (or <see cref="RefundAsync"/>) returns the first
/// settlement whatever its arguments, a pay after a refund (or the reverse) is a <see cref="SettlementConflictException"/>.
/// Malformed ids and zero amounts are an <see cref="InvalidRequestException"/> naming the parameter.
/// </remarks>
public interface ISettlement : IGrainWithStringKey
{
    /// <summary>The key of the marketplace's settlement grain.</summary>
    const string DefaultKey = "default";

    /// <summary>The settlement's terms: whether jobs settle through it, the minimum stake matching may require, the
    /// unstake delay, the committee fee and the slash percentages.</summary>
    [ReadOnly]
    Task<SettlementTerms> GetTermsAsync();

    /// <summary>Credits <paramref name="amount"/> from outside to the client's available balance (idempotent by
    /// <paramref name="depositId"/>).</summary>
    /// <exception cref="AmountOverflowException">The balance would pass <see cref="UInt128.MaxValue"/>.</exception>
    Task<LedgerReceipt> DepositAsync(string clientId, UInt128 amount, string depositId);

    /// <summary>Pays <paramref name="amount"/> of the client's available balance out (idempotent by
    /// <paramref name="withdrawalId"/>).</summary>
    /// <exception cref="InsufficientFundsException">The available balance is smaller.</exception>
    Task<LedgerReceipt> WithdrawAsync(string clientId, UInt128 amount, string withdrawalId);

    /// <summary>The client's available balance and the sum of its open escrows (zero for a client never seen).</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Argument)]
    Task<ClientBalance> GetBalanceAsync(string clientId);

    /// <summary>Moves <paramref name="amount"/> (the job's <c>max_fuel × price</c>) from the client's available
    /// balance into the job's escrow, at submit (idempotent by <paramref name="jobId"/>: the same client and amount
    /// return the recorded escrow, settled or not).</summary>
    /// <exception cref="InsufficientFundsException">The client's available balance is smaller.</exception>
    /// <exception cref="SettlementConflictException">The job was escrowed for another client or amount.</exception>
    Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount);

    /// <summary>Signs a job's terms for release on proof with the account that escrowed it: its executor is paid
    /// <paramref name="pricePerMillionFuel"/> per million fuel on a receipt signed by <paramref name="threshold"/>
    /// registered workers. Null when this settlement has no release on proof (the embedded ledger, a chain deployment
    /// without the contract).</summary>
    /// <exception cref="InvalidRequestException">A price below 1 or a threshold outside 1-16.</exception>
    /// <exception cref="JobConflictException">The job was never escrowed here.</exception>
    Task<ChainJobTerms?> SignJobTermsAsync(string jobId, long pricePerMillionFuel, int threshold);

    /// <summary>Escrows several jobs in one call, each exactly as <see cref="EscrowAsync"/> would, answering one
    /// outcome per request in order (an escrow, or the error <see cref="EscrowAsync"/> would have thrown for it). A
    /// settlement may record them together: the chain settlement signs and stores their deposits in one write and
    /// waits for their receipts together, so many jobs submitted at once cost it about what one did.</summary>
    /// <exception cref="InvalidRequestException">More than <see cref="MaxEscrowsPerCall"/> requests.</exception>
    Task<EscrowOutcome[]> EscrowManyAsync(EscrowRequest[] requests);

    /// <summary>The most requests one <see cref="EscrowManyAsync"/> or <see cref="SettleManyAsync"/> call takes.</summary>
    const int MaxEscrowsPerCall = 256;

    /// <summary>Settles several jobs in one call, each exactly as <see cref="PayAsync"/> or <see cref="RefundAsync"/>
    /// would, answering one outcome per request in order; the settlements are recorded in one write.</summary>
    /// <exception cref="InvalidRequestException">More than <see cref="MaxEscrowsPerCall"/> requests.</exception>
    Task<JobSettlementOutcome[]> SettleManyAsync(JobSettlementRequest[] requests);

    /// <summary>The job's escrow and settlement, or null when the job was never escrowed.</summary>
    [ReadOnly]
    Task<JobEscrow?> GetEscrowAsync(string jobId);

    /// <summary>Settles a job on a verified result: <see cref="JobPayout.Charge"/> (<c>fuel_used × price</c>) goes to
    /// the executor less the committee fee (<see cref="SettlementTerms.CommitteeFeePercent"/> of the charge, split
    /// evenly among <see cref="JobPayout.Committee"/>), the rest of the escrow back to the client.</summary>
    /// <exception cref="InvalidRequestException">The charge exceeds the escrow, or the payout is malformed.</exception>
    /// <exception cref="SettlementConflictException">The job was never escrowed, or was refunded.</exception>
    Task<JobSettlement> PayAsync(string jobId, JobPayout payout);

    /// <summary>Settles a job that produced no verified result (failed, timed out, cancelled, expired): the whole
    /// escrow goes back to the client.</summary>
    /// <exception cref="SettlementConflictException">The job was never escrowed, or was paid.</exception>
    Task<JobSettlement> RefundAsync(string jobId, RefundReason reason);

    /// <summary>Bonds <paramref name="amount"/> from outside as the worker's stake (idempotent by
    /// <paramref name="stakeId"/>).</summary>
    Task<LedgerReceipt> StakeAsync(string workerId, UInt128 amount, string stakeId);

    /// <summary>Moves <paramref name="amount"/> of the worker's bonded stake to unbonding, released
    /// <see cref="SettlementTerms.UnstakeDelay"/> from now (idempotent by <paramref name="unstakeId"/>). Unbonding
    /// stake no longer counts for matching but can still be slashed.</summary>
    /// <exception cref="InsufficientFundsException">The bonded stake is smaller.</exception>
    Task<LedgerReceipt> RequestUnstakeAsync(string workerId, UInt128 amount, string unstakeId);

    /// <summary>Pays out every unbonding amount of the worker whose release time has passed. Naturally idempotent: a
    /// repeat finds nothing released and answers a receipt of 0 (sequence 0, no journal entry).</summary>
    Task<LedgerReceipt> WithdrawUnstakedAsync(string workerId);

    /// <summary>Pays <paramref name="amount"/> of the worker's earnings (payments and committee fees) out (idempotent
    /// by <paramref name="withdrawalId"/>).</summary>
    /// <exception cref="InsufficientFundsException">The earnings are smaller.</exception>
    Task<LedgerReceipt> WithdrawEarningsAsync(string workerId, UInt128 amount, string withdrawalId);

    /// <summary>The worker's bonded stake, its unbonding amounts with release times, its earnings, and whether the
    /// bonded stake reaches <see cref="SettlementTerms.MinimumStake"/>.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Public)]
    Task<WorkerStake> GetStakeAsync(string workerId);

    /// <summary>Slashes the worker's stake by the reason's percentage (<see cref="SettlementTerms"/>) of its bonded
    /// plus unbonding stake, bonded first, to the treasury account (idempotent by <paramref name="evidenceHash"/>).</summary>
    /// <exception cref="SettlementConflictException">The evidence was already used against another worker or for
    /// another reason.</exception>
    Task<SlashResult> SlashAsync(string workerId, string evidenceHash, SlashReason reason);

    /// <summary>A page of the journal, oldest first, after <paramref name="cursor"/> (a <c>NextCursor</c>, or null for
    /// the first entry kept). Entries older than the checkpoint were compacted into it and are not listed.</summary>
    /// <exception cref="InvalidRequestException">A bad <paramref name="limit"/> (1-1000) or cursor.</exception>
    [ReadOnly]
    Task<LedgerJournalPage> GetJournalAsync(string? cursor, int limit);

    /// <summary>Every account's balance, the outside world's and the checkpoint (for audits and tests; its size grows
    /// with the number of accounts).</summary>
    [ReadOnly]
    Task<LedgerTrialBalance> GetTrialBalanceAsync();
}
