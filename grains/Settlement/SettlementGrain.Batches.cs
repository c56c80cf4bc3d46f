using System.Numerics;
using Marketplace.Chain;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

/// <summary>Batched release: settled jobs wait in the queue and go to the chain <see cref="ChainSettlementOptions.BatchSize"/>
/// per <c>releaseBatch</c> transaction, when the queue is full or <see cref="ChainSettlementOptions.BatchInterval"/> after.</summary>
internal sealed partial class SettlementGrain
{
    /// <inheritdoc />
    public async Task<ChainSettlementStatus> FlushAsync()
    {
        await ChainAsync(async () =>
        {
            await DrainAsync(chain.Accounts.SettlementAddress.ToString());
            await SendBatchesAsync(partial: true);
        });
        return await GetChainStatusAsync();
    }

    /// <inheritdoc />
    public Task<ChainSettlementStatus> GetChainStatusAsync()
    {
        var status = new ChainSettlementStatus
        {
            SettlementAddress = chain.Accounts.SettlementAddress.ToString(),
            QueuedJobs = State.Queue.Count + (State.InFlight?.JobIds.Count ?? 0),
            UnfinishedTransactions = State.Outbox.Values.Count(t => t.Unfinished),
            BatchesSent = State.BatchCount,
            JobsHeld = State.Jobs.Count,
        };
        foreach (var batch in State.Batches)
        {
            status.RecentBatches.Add(new ChainBatchSummary
            {
                Number = batch.Number,
                ChainBatchId = batch.ChainBatchId,
                Jobs = Math.Max(batch.JobCount, batch.JobIds.Count),
                GasUsed = batch.GasUsed,
                Root = batch.Root,
                TransactionHash = batch.TransactionHash,
            });
        }

        return Task.FromResult(status);
    }

    /// <summary>Sends at once when the queue holds a full batch, else within <see cref="ChainSettlementOptions.BatchInterval"/>.</summary>
    private void ScheduleBatch()
    {
        if (State.Queue.Count >= Options.BatchSize)
        {
            ArmBatchTimer(TimeSpan.Zero);
        }
        else if (_batchTimer is null)
        {
            ArmBatchTimer(Options.BatchInterval);
        }
    }

    private void ArmBatchTimer(TimeSpan due)
    {
        _batchTimer?.Dispose();
        _batchTimer = this.RegisterGrainTimer(static (grain, _) => grain.OnBatchTimerAsync(), this,
            new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task OnBatchTimerAsync()
    {
        _batchTimer?.Dispose();
        _batchTimer = null;
        try
        {
            await ChainAsync(async () =>
            {
                await DrainAsync(chain.Accounts.SettlementAddress.ToString());
                await SendBatchesAsync(partial: true);
            });
        }
        catch (Exception e) when (e is ChainSettlementUnavailableException or SettlementConflictException or SimulatedCrashException)
        {
            _log.BatchFailed(e, State.Queue.Count);
            if (e is SimulatedCrashException)
            {
                DeactivateOnIdle();
                return;
            }
        }

        if (HasWork)
        {
            ArmBatchTimer(Options.BatchInterval);
        }
    }

    /// <summary>Finishes the batch in flight, then sends full batches (and with <paramref name="partial"/> the rest).</summary>
    private async Task SendBatchesAsync(bool partial)
    {
        if (State.InFlight is not null)
        {
            await FinishBatchAsync();
        }

        while (State.Queue.Count >= Options.BatchSize || (partial && State.Queue.Count > 0))
        {
            await SendBatchAsync();
        }
    }

    /// <summary>
    /// Takes the next jobs of the queue, checks each is still open on the chain (one settled already, e.g. refunded
    /// by its client after its deadline, is recorded as such and left out), encodes the batch, stores it with its
    /// signed transaction, sends it and confirms it.
    /// </summary>
    private async Task SendBatchAsync()
    {
        var take = Math.Min(Options.BatchSize, State.Queue.Count);
        var jobIds = State.Queue.GetRange(0, take);
        State.Queue.RemoveRange(0, take);
        var included = new List<ChainJob>(take);
        foreach (var jobId in jobIds)
        {
            var job = State.Jobs[jobId];
            var onChain = SurelyOpenOnChain(job) ? EscrowJobState.Open : await JobStateAtAsync(job.JobIndex);
            if (onChain == EscrowJobState.Open)
            {
                included.Add(job);
                continue;
            }

            // Settled on the chain already: by an earlier batch whose confirmation was not recorded, released on its
            // receipt by anyone (ReceiptRelease), or refunded by its client from its deadline on. Either way nothing
            // is to be sent for it.
            var expected = job.Escrow.Settlement!.Outcome == SettlementOutcome.Paid ? EscrowJobState.Released : EscrowJobState.Refunded;
            if (onChain != expected)
            {
                _log.SettlementDiverged(jobId, job.JobIndex, job.Escrow.Settlement.Outcome.ToString(), onChain.ToString());
            }

            job.Stage = ChainJobStage.Confirmed;
        }

        if (included.Count == 0)
        {
            await WriteAsync();
            return;
        }

        var batch = EscrowBatch.Build(included.ConvertAll(BatchJobOf));
        var record = new BatchRecord { Number = State.BatchCount + 1, Root = batch.RootHex };
        record.OutboxKey = $"batch/{record.Number}#release";
        foreach (var job in included)
        {
            record.JobIds.Add(job.Escrow.JobId);
            job.Stage = ChainJobStage.Batched;
            job.BatchNumber = record.Number;
        }

        var data = SettlementChain.EscrowAbi.GetFunction("releaseBatch").EncodeCall(batch.Accounts, batch.Entries);
        OutboxTransaction tx;
        try
        {
            tx = await SignAsync(record.OutboxKey, chain.Accounts.SettlementKey, chain.Escrow, data, BigInteger.Zero);
        }
        catch (Exception e) when (e is SettlementConflictException or ChainException)
        {
            // Nothing was signed: the jobs go back to the front of the queue and are checked again next time.
            Requeue(record);
            await WriteAsync();
            throw;
        }

        State.BatchCount = record.Number;
        State.InFlight = record;
        State.Outbox[tx.Key] = tx;
        await WriteAsync();
        _log.BatchSent(record.Number, record.JobIds.Count, tx.Hash);
        await BroadcastAsync(tx);
        AfterSend(tx.Key);
        await FinishBatchAsync();
    }

    /// <summary>
    /// Confirms the batch in flight from its transaction's receipt: the jobs are settled on the chain, the batch id
    /// and root come from its <c>BatchReleased</c> event (the root is compared with the one computed here). A batch
    /// that reverted or was dropped settled nothing (a batch is all or nothing): its jobs go back to the queue.
    /// </summary>
    private async Task FinishBatchAsync()
    {
        var record = State.InFlight!;
        var tx = State.Outbox[record.OutboxKey];
        var receipt = await FinishAsync(tx);
        State.Outbox.Remove(record.OutboxKey);
        State.InFlight = null;
        if (receipt is null || !receipt.Succeeded)
        {
            _log.BatchNotApplied(record.Number, tx.Hash, receipt is null ? "dropped" : "reverted");
            Requeue(record);
            await WriteAsync();
            return;
        }

        var released = SettlementChain.EscrowAbi.GetEvent("BatchReleased");
        foreach (var log in receipt.Logs)
        {
            if (log.Address == chain.Escrow && log.Topics.Count > 0 && log.Topics[0] == released.Topic)
            {
                var decoded = released.Decode(log.Topics, log.Data.Span);
                record.ChainBatchId = (ulong)(BigInteger)decoded["batchId"]!;
                var root = Hex.Encode((byte[])decoded["root"]!);
                if (!string.Equals(root, record.Root, StringComparison.OrdinalIgnoreCase))
                {
                    _log.BatchRootMismatch(record.Number, record.Root, root);
                }
            }
        }

        _verifyQueuedJobs = false;
        record.TransactionHash = tx.Hash;
        record.GasUsed = receipt.GasUsed;
        foreach (var jobId in record.JobIds)
        {
            var job = State.Jobs[jobId];
            job.Stage = ChainJobStage.Confirmed;
            job.SettlementTransaction = tx.Hash;
        }

        record.JobCount = record.JobIds.Count;
        record.JobIds = [];
        State.Batches.Add(record);
        if (State.Batches.Count > BatchesKept)
        {
            State.Batches.RemoveRange(0, State.Batches.Count - BatchesKept);
        }

        _log.BatchConfirmed(record.Number, record.ChainBatchId, record.JobCount, receipt.GasUsed);
        await WriteAsync();
    }

    private void Requeue(BatchRecord record)
    {
        // A batch refused or not applied: its jobs are asked about one by one until a batch goes through.
        _verifyQueuedJobs = true;
        foreach (var jobId in record.JobIds)
        {
            State.Jobs[jobId].Stage = ChainJobStage.Queued;
        }

        State.Queue.InsertRange(0, record.JobIds);
    }

    /// <summary>A job's batch lines: the executor's amount, then each committee share, to their custodial accounts
    /// (lines of 0 left out); none for a refund.</summary>
    private BatchJob BatchJobOf(ChainJob job)
    {
        var settlement = job.Escrow.Settlement!;
        var lines = new List<PayoutLine>(1 + settlement.CommitteeShares.Count);
        if (settlement.Outcome == SettlementOutcome.Paid)
        {
            if (settlement.ExecutorAmount != UInt128.Zero)
            {
                lines.Add(new PayoutLine(chain.Accounts.AddressOf(AccountRole.Worker, settlement.ExecutorId), settlement.ExecutorAmount));
            }

            foreach (var share in settlement.CommitteeShares)
            {
                if (share.Amount != UInt128.Zero)
                {
                    lines.Add(new PayoutLine(chain.Accounts.AddressOf(AccountRole.Worker, share.WorkerId), share.Amount));
                }
            }
        }

        return new BatchJob(job.JobIndex, chain.Accounts.AddressOf(AccountRole.Client, job.Escrow.ClientId), job.Escrow.Amount, lines);
    }
}
