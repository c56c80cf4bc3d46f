// Design note: one grain (key ISettlement.DefaultKey) drives every on-chain action of the marketplace, so all its
// transactions are decided in one grain turn at a time and one place knows every nonce. Each action is a series of
// steps (a gas top-up, a token transfer, an approval, the contract call); a step's transaction is signed, stored in
// the grain's state (the outbox: nonce, raw bytes, hash) and only then sent. A retry, a new activation or a silo
// restart finds the stored transaction and sends the very same bytes again or reads its receipt, so an action is
// never done twice, and never lost once stored. Before any new transaction, every unfinished one is finished first,
// so nonces stay in order. Payments and refunds are recorded here at once (the job flow gets its settlement back)
// and released on the chain in batches. grains/Settlement/README.md has the states and the reconciliation rules.
using System.Numerics;
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Settlement;

/// <summary>The settlement on an EVM chain behind <see cref="ISettlement"/> (see the design note).</summary>
internal sealed partial class SettlementGrain(
    [PersistentState("chain-settlement")] IPersistentState<SettlementState> state,
    SettlementChain chain,
    IServiceProvider services,
    ILoggerFactory loggers) : Grain, IChainSettlementGrain, IRemindable
{
    /// <summary>Confirmed batches kept in the state for the status.</summary>
    public const int BatchesKept = 20;

    private const string ResumeReminder = "chain-settlement-resume";

    private readonly SettlementLog _log = new(loggers.CreateLogger(SettlementLog.Category));
    private readonly SettlementFaults? _faults = services.GetService<SettlementFaults>();
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private IGrainTimer? _batchTimer;
    private bool _reminderRegistered;

    /// <summary>How far a job's deadline must be past the chain's time for its state on the chain to be known without
    /// asking (<see cref="SurelyOpenOnChain"/>): a day.</summary>
    private static readonly TimeSpan OpenCheckMargin = TimeSpan.FromDays(1);

    /// <summary>The chain's time at the last block read (unix seconds; 0 before any), and when it was read.</summary>
    private ulong _chainTimeSeen;
    private long _chainTimeSeenAt;

    /// <summary>Set while a batch was refused or not applied: queued jobs are then asked about one by one.</summary>
    private bool _verifyQueuedJobs;

    private SettlementState State => state.State;

    private ChainSettlementOptions Options => chain.Options;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Work left by an earlier activation (a transaction under way, jobs waiting for their batch) resumes at once.
        if (HasWork)
        {
            ArmBatchTimer(TimeSpan.Zero);
        }

        FollowEvents();

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<SettlementTerms> GetTermsAsync()
    {
        var minimum = await ChainAsync(() => chain.UIntAsync(SettlementChain.StakingAbi, chain.Staking, "minimumStake"));
        var delay = await ChainAsync(() => chain.UIntAsync(SettlementChain.StakingAbi, chain.Staking, "unstakeDelay"));
        var percents = new Dictionary<SlashReason, int>();
        foreach (var reason in Enum.GetValues<SlashReason>())
        {
            var percent = await ChainAsync(() => chain.UIntAsync(SettlementChain.StakingAbi, chain.Staking, "slashPercent", (int)reason));
            percents[reason] = (int)percent;
        }

        return new SettlementTerms
        {
            Enabled = true,
            MinimumStake = ToAmount(minimum),
            UnstakeDelay = TimeSpan.FromSeconds((double)delay),
            CommitteeFeePercent = Options.CommitteeFeePercent,
            SlashPercent = percents,
            TreasuryAccount = LedgerAccounts.Treasury,
        };
    }

    /// <inheritdoc />
    public Task<string> GetAddressAsync(string id, bool worker)
    {
        SettlementIds.Require(id, nameof(id));
        return Task.FromResult(chain.Accounts.AddressOf(worker ? AccountRole.Worker : AccountRole.Client, id).ToString());
    }

    /// <inheritdoc />
    /// <remarks>The chain settlement keeps no balances of its own: they are the chain's (token balances, escrow
    /// balances, stakes; <see cref="GetBalanceAsync"/>, <see cref="GetStakeAsync"/>). It answers the journal's
    /// sequence and nothing else.</remarks>
    public Task<LedgerTrialBalance> GetTrialBalanceAsync() =>
        Task.FromResult(new LedgerTrialBalance { Sequence = State.Sequence });

    /// <summary>True while something is left to do: a transaction under way, a batch in flight, jobs queued.</summary>
    private bool HasWork => State.Queue.Count > 0 || State.InFlight is not null || State.Outbox.Count > 0;

    /// <summary>Writes the state; on failure drops the activation (the next call reloads the stored state, whose
    /// outbox holds whatever was signed) and rethrows.</summary>
    private async Task WriteAsync()
    {
        await MoveSettledJobsOutAsync();
        try
        {
            await SealJournalPagesAsync();
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            _log.WriteFailed(e, State.Sequence);
            DeactivateOnIdle();
            throw;
        }

        await RemoveDroppedJournalPagesAsync();

        await KeepResumingAsync();
    }

    /// <summary>Keeps a reminder registered while work is left, so a silo restart resumes it; drops it after.</summary>
    private async Task KeepResumingAsync()
    {
        if (HasWork && !_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _reminderRegistered = true;
        }
        else if (!HasWork && _reminderRegistered)
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderRegistered = false;
        }
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderRegistered = true;
        if (HasWork)
        {
            ArmBatchTimer(TimeSpan.Zero);
        }

        return KeepResumingAsync();
    }

    /// <summary>A chain amount as the ledger's unit (1:1; amounts on the chain never pass 2^128 for one account's
    /// escrow or stake, and a larger one is refused rather than cut).</summary>
    private static UInt128 ToAmount(BigInteger value) =>
        value >= 0 && value <= EscrowBatch.ToBigInteger(UInt128.MaxValue)
            ? (UInt128)value
            : throw new AmountOverflowException($"the chain reports {value}, outside 0 to 2^128 - 1");

    /// <summary>Runs work against the chain: a node that cannot be reached, times out, answers an error or garbage
    /// is a <see cref="ChainSettlementUnavailableException"/> (retry later; the outbox keeps what was signed), a view
    /// that reverts is a <see cref="SettlementConflictException"/>.</summary>
    private static async Task<T> ChainAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ContractRevertException e)
        {
            throw new SettlementConflictException($"the chain refused a call: {e.Reason}");
        }
        catch (Exception e) when (e is ChainTransportException or ChainTimeoutException or ChainRpcException or ChainFormatException)
        {
            // The cause's message only: the chain client's exception types have no codec and must not cross silos.
            throw new ChainSettlementUnavailableException($"the settlement chain did not answer ({e.GetType().Name}): {e.Message}");
        }
    }

    /// <summary><see cref="ChainAsync{T}"/> without a result.</summary>
    private static Task ChainAsync(Func<Task> call) => ChainAsync(async () =>
    {
        await call();
        return true;
    });
}
