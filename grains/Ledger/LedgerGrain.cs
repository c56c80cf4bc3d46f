// Design note: one grain holds the whole ledger (key ISettlement.DefaultKey), so every posting is decided in one grain
// turn against one record: idempotency (operation ids, job ids, evidence hashes looked up before anything moves) and
// conservation (LedgerBook refuses an unbalanced entry or a negative balance before it changes anything) need no
// protocol between grains. Each operation that moves money mutates the record in memory, then writes it; if the write
// fails the activation is dropped (DeactivateOnIdle) and the error returned, so the next call reloads the last stored
// ledger and the caller's retry, with the same id, applies the operation once. The price is throughput: one write of
// the whole record per operation, its size bounded by MaxJournalEntries plus the idempotency records. grains/Ledger/README.md
// gives the bound and how the ledger would shard.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Ledger;

/// <summary>The embedded ledger behind <see cref="ISettlement"/>: client balances, job escrow and worker stake as
/// balanced double-entry postings in one persisted record.</summary>
internal sealed partial class LedgerGrain(
    [PersistentState("ledger")] IPersistentState<LedgerState> ledger,
    IOptions<LedgerOptions> options,
    LedgerClock clock,
    ILoggerFactory loggers) : Grain, ISettlement
{
    private readonly LedgerOptions _options = options.Value;
    private readonly LedgerLog _log = new(loggers.CreateLogger(LedgerLog.Category));

    private LedgerState State => ledger.State;

    private LedgerBook Book => new(ledger.State, _options.MaxJournalEntries);

    private string Key => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<SettlementTerms> GetTermsAsync() => Task.FromResult(new SettlementTerms
    {
        Enabled = _options.Enabled,
        MinimumStake = MinimumStake,
        UnstakeDelay = _options.UnstakeDelay,
        CommitteeFeePercent = _options.CommitteeFeePercent,
        SlashPercent = Enum.GetValues<SlashReason>().ToDictionary(r => r, _options.SlashPercent),
        TreasuryAccount = LedgerAccounts.Treasury,
    });

    /// <inheritdoc />
    /// <remarks>The embedded ledger has no chain to release on: always null.</remarks>
    public Task<ChainJobTerms?> SignJobTermsAsync(string jobId, long pricePerMillionFuel, int threshold) =>
        Task.FromResult<ChainJobTerms?>(null);

    private UInt128 MinimumStake => (UInt128)(ulong)_options.MinimumStake;

    /// <summary>Compacts the journal and writes the ledger; on a failed write drops the activation (see the design
    /// note) and rethrows.</summary>
    private async Task CommitAsync()
    {
        if (Book.Compact() is { } through)
        {
            _log.JournalCompacted(Key, through);
        }

        try
        {
            await ledger.WriteStateAsync();
        }
        catch (Exception e)
        {
            _log.WriteFailed(e, Key, State.Sequence);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// One idempotent transfer of <paramref name="amount"/> from <paramref name="from"/> to <paramref name="to"/> on
    /// behalf of <paramref name="owner"/>: checks the ids and the amount, answers a repeated operation id with its
    /// first receipt, refuses what the debited account cannot cover (the outside world always can; the message from
    /// <paramref name="shortage"/>, given the balance), then posts the entry and writes the ledger.
    /// </summary>
    private async Task<LedgerReceipt> TransferAsync(
        LedgerOperation operation,
        string keyPrefix,
        (string Id, string Field) owner,
        UInt128 amount,
        (string Id, string Field) operationId,
        string from,
        string to,
        Func<UInt128, string>? shortage = null)
    {
        SettlementIds.Require(owner.Id, owner.Field);
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(operationId.Id, operationId.Field);
        var key = $"{keyPrefix}/{operationId.Id}";
        if (Recorded(key, operationId.Field, owner.Id, amount) is { } recorded)
        {
            return recorded;
        }

        if (shortage is not null && Book.Balance(from) is var balance && balance < amount)
        {
            throw new InsufficientFundsException(shortage(balance));
        }

        var entry = Book.Post(operation, operationId.Id, clock.Now, [Debit(from, amount), Credit(to, amount)]);
        var receipt = Receipt(entry, operationId.Id, owner.Id, amount);
        State.Operations[key] = receipt;
        await CommitAsync();
        return receipt;
    }

    /// <summary>The receipt of an operation already recorded under <paramref name="key"/>, or null; the same id with
    /// another owner or amount is a conflict.</summary>
    private LedgerReceipt? Recorded(string key, string field, string owner, UInt128 amount)
    {
        if (!State.Operations.TryGetValue(key, out var receipt))
        {
            return null;
        }

        if (!string.Equals(receipt.Owner, owner, StringComparison.Ordinal) || receipt.Amount != amount)
        {
            throw new SettlementConflictException(
                $"{field}: '{receipt.OperationId}' was used for a {receipt.Operation} of {receipt.Amount} for {receipt.Owner}, not of {amount} for {owner}");
        }

        return receipt;
    }

    private static LedgerReceipt Receipt(LedgerEntry entry, string operationId, string owner, UInt128 amount, DateTimeOffset? releaseAt = null) => new()
    {
        Sequence = entry.Sequence,
        Operation = entry.Operation,
        OperationId = operationId,
        Owner = owner,
        Amount = amount,
        At = entry.At,
        ReleaseAt = releaseAt,
    };
}
