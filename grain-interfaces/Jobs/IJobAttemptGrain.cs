using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The worker-facing side of one job (the same grain and key as <see cref="IJobGrain"/>, see <see cref="JobIds"/>):
/// the protocol a worker speaks while it bids for the job and runs its attempts. Clients never call it; they use
/// <see cref="IJobGrain"/>. Bids and start notices are one-way so a worker's turn never waits for a job.
/// </summary>
[Alias("marketplace.job-attempt")]
public interface IJobAttemptGrain : IGrainWithStringKey
{
    /// <summary>The bids or declines of the workers of one host for matching round <see cref="WorkerBid.Round"/>
    /// (answers <see cref="IWorkerHostGrain.OfferJobAsync"/>); answers of an older round are ignored.</summary>
    [OneWay]
    [Alias("bids")]
    Task BidsAsync([Immutable] WorkerBid[] bids);

    /// <summary>A worker that had no room for this job when it last offered itself has room now (or the client's
    /// job list handed the job a place): a job waiting for room offers itself again at once, and a job still in a
    /// matching round offers itself again as soon as that round finds no room.</summary>
    /// <returns>False when the job has no use for the room (it runs, finished, or waits for something else), so the
    /// caller can offer it to the next waiting job.</returns>
    [Alias("room-available")]
    Task<bool> RoomAvailableAsync();

    /// <summary>A silo of the cluster died (sent by the survivors to every unfinished job whose watchdog reminder
    /// they read): a job whose activation died with it resumes now, on the silo this call activates it on, instead
    /// of at its reminder's next tick; a job whose running attempt or pending committee re-execution was held by a
    /// worker of that silo gives it to another worker now instead of at its lease or seat deadline. Any other job
    /// only makes sure its timer is armed.</summary>
    [OneWay]
    [Alias("resume")]
    Task ResumeAsync();

    /// <summary>The worker started executing attempt <paramref name="attemptId"/>.</summary>
    [OneWay]
    [Alias("attempt-started")]
    Task AttemptStartedAsync(string attemptId, DateTimeOffset startedAt);

    /// <summary>How an attempt ended. A report of an attempt that is no longer current (the job was cancelled, or
    /// the attempt's lease expired and the job moved on) is ignored, so a job completes exactly once.</summary>
    [Alias("report-attempt")]
    Task ReportAttemptAsync(AttemptReport report);

    /// <summary>Extends the lease of attempt <paramref name="attemptId"/>; false when that attempt is no longer
    /// current (the worker should stop it).</summary>
    [Alias("renew-lease")]
    Task<bool> RenewLeaseAsync(string attemptId);

    /// <summary>A committee member's answer to <see cref="IWorkerGrain.AttestAsync"/>: an agreement, a dissent or why
    /// it could not re-execute. An answer to a request that is no longer current (replaced after its deadline, or the
    /// job settled) is ignored.</summary>
    [Alias("report-attestation")]
    Task ReportAttestationAsync(AttestationReport report);
}
