// Design: when a silo dies, three kinds of a job's work can be lost with it, and each used to wait for a deadline:
// the job's own activation (resumed by its watchdog reminder's next tick, up to WatchdogPeriod later), a running
// attempt on one of its workers (found by the lease expiring, LeaseDuration), and a committee re-execution queued on
// one of its workers (found by the seat's deadline: the job's timeout plus CommitteeDeadlineMargin, 40 s at the
// defaults). The survivors send ResumeAsync to every unfinished job (OrphanedJobSweep): the call itself reactivates a
// job whose activation was lost (OnActivateAsync resumes it), and a live job asks the workers holding its attempt and
// its pending seats whether they still hold them. A worker of the dead silo answers from a silo without its executor,
// so "no", and the work goes to another worker at once. A report already on its way when the answer was "no" arrives
// after the attempt or seat was replaced and is ignored as stale, as any late report is: effects stay fenced.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>Resuming after a silo of the cluster died.</summary>
internal sealed partial class JobGrain
{
    /// <inheritdoc />
    public async Task ResumeAsync()
    {
        if (!Submitted)
        {
            // A watchdog of a job that never stored its state: nothing to resume.
            _absent.Schedule(this, () => !Submitted, DeactivateOnIdle);
            return;
        }

        if (Terminal)
        {
            return; // Activation already retries a settlement still owed.
        }

        try
        {
            if (Verifying)
            {
                await ReplaceLostSeatsAsync();
            }
            else if (Info.Status == JobStatus.Running && _attemptId is { } attemptId && Info.WorkerId is { Length: > 0 } worker
                && !await HoldsAsync(worker, attemptId))
            {
                await LoseAttemptAsync($"worker {worker} no longer holds it (its silo left the cluster)", hostLeft: true);
            }
        }
        finally
        {
            Schedule();
        }
    }

    private async Task<bool> HoldsAsync(string workerId, string attemptId)
    {
        try
        {
            return await lookups.Worker(workerId).HoldsAsync(JobId, attemptId);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return false; // Unreachable counts as lost: the lease or deadline would find the same a little later.
        }
    }
}
