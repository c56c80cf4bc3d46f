// Design note: money can move on the chain without the marketplace: from a deposit's deadline on, the client (or
// anyone) may call Escrow.refund. While it is active, the grain follows the Escrow's Refunded events every
// EventPollInterval, block range by block range, and records such a refund on the job at once, so the job's
// settlement, the client's balance and the journal say so without waiting for the next call about that job (which
// checks the chain too). The cursor (the last block scanned) is stored with the rest of the state but written only when
// something was recorded or it moved far: a rescan after a restart finds the same events and records nothing twice,
// because a job settles once. A chain that went back below the cursor (a node restarted without its state, a reorg)
// is rescanned from its new head.
using System.Numerics;
using Marketplace.Chain.Rpc;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

internal sealed partial class SettlementGrain
{
    /// <summary>Most blocks one poll reads logs for.</summary>
    internal const ulong EventBlocksPerPoll = 2_000;

    /// <summary>The cursor is written at least this many blocks apart when nothing was recorded.</summary>
    private const ulong CursorWriteDistance = 1_000;

    private IGrainTimer? _eventTimer;
    private ulong _cursorWritten;

    /// <summary>Starts following the Escrow's events (from <see cref="OnActivateAsync"/>).</summary>
    private void FollowEvents()
    {
        if (Options.EventPollInterval > TimeSpan.Zero && _eventTimer is null)
        {
            _eventTimer = this.RegisterGrainTimer(static (grain, cancel) => grain.ScanEventsAsync(cancel), this,
                new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Options.EventPollInterval, Interleave = false });
        }
    }

    /// <summary>Reads the Escrow's <c>Refunded</c> events after the cursor and records each refund of an open job.
    /// Returns the jobs recorded as refunded.</summary>
    internal async Task<int> ScanEventsAsync(CancellationToken cancellationToken)
    {
        ulong head;
        try
        {
            head = await chain.Rpc.GetBlockNumberAsync(cancellationToken);
        }
        catch (Exception e) when (e is ChainTransportException or ChainTimeoutException or ChainRpcException or Chain.ChainFormatException)
        {
            _log.EventScanFailed(e.Message);
            return 0;
        }

        var final = head >= (ulong)Options.Confirmations ? head - (ulong)Options.Confirmations : 0;
        if (State.EventsScannedThrough > final)
        {
            // The chain is shorter than what was scanned: rescan from its head on (jobs settle once, so nothing is
            // recorded twice).
            State.EventsScannedThrough = final;
        }

        var recorded = 0;
        while (State.EventsScannedThrough < final && !cancellationToken.IsCancellationRequested)
        {
            var from = State.EventsScannedThrough + 1;
            var to = Math.Min(final, from + EventBlocksPerPoll - 1);
            IReadOnlyList<LogEntry> logs;
            try
            {
                logs = await chain.Rpc.GetLogsAsync(new LogFilter
                {
                    Addresses = [chain.Escrow],
                    Topics = [new[] { RefundedEvent.Topic }],
                    FromBlock = BlockTag.Number(from),
                    ToBlock = BlockTag.Number(to),
                }, cancellationToken);
            }
            catch (Exception e) when (e is ChainTransportException or ChainTimeoutException or ChainRpcException or Chain.ChainFormatException)
            {
                _log.EventScanFailed(e.Message);
                break;
            }

            foreach (var log in logs)
            {
                if (log.Removed)
                {
                    continue;
                }

                var decoded = RefundedEvent.Decode(log.Topics, log.Data.Span);
                var jobIndex = (ulong)(BigInteger)decoded["jobIndex"]!;
                if (OpenJobAt(jobIndex) is { } job)
                {
                    job.Escrow.Settlement = RefundOf(job, RefundReason.Expired);
                    job.Stage = ChainJobStage.Confirmed;
                    _log.RefundedOnChain(job.Escrow.JobId, jobIndex);
                    recorded++;
                }
            }

            State.EventsScannedThrough = to;
        }

        if (recorded > 0 || State.EventsScannedThrough - Math.Min(_cursorWritten, State.EventsScannedThrough) >= CursorWriteDistance)
        {
            await WriteAsync();
            _cursorWritten = State.EventsScannedThrough;
        }

        return recorded;
    }

    private static Chain.Abi.AbiEvent RefundedEvent => SettlementChain.EscrowAbi.GetEvent("Refunded");

    /// <summary>The escrowed, unsettled job with this contract index, or null.</summary>
    private ChainJob? OpenJobAt(ulong jobIndex)
    {
        foreach (var job in State.Jobs.Values)
        {
            if (job.JobIndex == jobIndex && job.Escrow.Settlement is null && job.Stage != ChainJobStage.Escrowing)
            {
                return job;
            }
        }

        return null;
    }
}
