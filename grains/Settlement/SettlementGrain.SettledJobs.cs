namespace Marketplace.Grains.Settlement;

/// <summary>Settled jobs leave the settlement's own record: once a job's batch is confirmed and more than
/// <see cref="ChainSettlementOptions.SettledJobsKept"/> newer settled jobs are held, the oldest move to a record of
/// their own (<see cref="ISettledChainJobGrain"/>, written before they leave this one), so every write of the
/// settlement stays the same size however many jobs have run. A job asked about again is read back from there.</summary>
internal sealed partial class SettlementGrain
{
    /// <summary>How far past the bound the settled jobs may grow before a move, so moves come in groups.</summary>
    private int MoveSlack => Math.Max(16, Options.SettledJobsKept / 8);

    /// <summary>The settled record of a job that moved out of this one, or null.</summary>
    private Task<ChainJob?> SettledJobAsync(string jobId) => GrainFactory.GetGrain<ISettledChainJobGrain>(jobId).GetAsync();

    /// <summary>Moves the oldest confirmed jobs out when more than the bound (plus its slack) are held. A job whose
    /// own record could not be written stays here and is tried again on a later write.</summary>
    private async Task MoveSettledJobsOutAsync()
    {
        var confirmed = 0;
        foreach (var job in State.Jobs.Values)
        {
            confirmed += job.Stage == ChainJobStage.Confirmed ? 1 : 0;
        }

        if (confirmed <= Options.SettledJobsKept + MoveSlack)
        {
            return;
        }

        var oldest = new List<ChainJob>(confirmed);
        foreach (var job in State.Jobs.Values)
        {
            if (job.Stage == ChainJobStage.Confirmed)
            {
                oldest.Add(job);
            }
        }

        oldest.Sort(static (a, b) => SettledAt(a).CompareTo(SettledAt(b)));
        var moving = oldest.GetRange(0, confirmed - Options.SettledJobsKept);
        var writes = new Task[moving.Count];
        for (var i = 0; i < moving.Count; i++)
        {
            writes[i] = GrainFactory.GetGrain<ISettledChainJobGrain>(moving[i].Escrow.JobId).KeepAsync(moving[i]);
        }

        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Reported below with the count; the jobs whose records were not written stay here.
            var failed = writes.Count(w => !w.IsCompletedSuccessfully);
            _log.SettledJobsNotMoved(failed, moving.Count, e.Message);
        }

        for (var i = 0; i < moving.Count; i++)
        {
            if (writes[i].IsCompletedSuccessfully)
            {
                State.Jobs.Remove(moving[i].Escrow.JobId);
            }
        }
    }

    /// <summary>The journal sequence of the job's settlement (of its escrow when it has none).</summary>
    private static long SettledAt(ChainJob job) => job.Escrow.Settlement?.Sequence ?? job.Escrow.Sequence;
}
