using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One job, keyed by its id (<see cref="JobIds"/>). Client-facing operations are below; the worker-facing protocol
/// (bids, assignment, attempt results) is declared by the jobs library beside them. Every client-facing call names
/// the calling client: a client sees and cancels only its own jobs (<see cref="AccessDeniedException"/>).
/// </summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Submits the job. Idempotent: submitting again (the same client and request id map to the same job)
    /// returns the existing job and never runs it twice. Throws <see cref="InvalidRequestException"/> for bad limits
    /// and <see cref="ProgramNotFoundException"/> when the program reference does not resolve at submit.</summary>
    Task<JobInfo> SubmitAsync(JobSubmission submission);

    /// <summary>The job as <paramref name="clientId"/> sees it. Throws <see cref="JobNotFoundException"/>.</summary>
    Task<JobInfo> GetAsync(string clientId);

    /// <summary>Cancels a non-terminal job (a running attempt is interrupted). Throws
    /// <see cref="JobConflictException"/> ("already terminal") for a finished job.</summary>
    Task<JobInfo> CancelAsync(string clientId);

    /// <summary>The job's log lines (host log calls of the program, attempts, retries, matching), oldest first.</summary>
    Task<List<JobLogEntry>> GetLogsAsync(string clientId);

    // Worker-facing protocol. Bids and start notices are one-way so a worker's turn never waits for a job.

    /// <summary>A worker's bid or decline for matching round <see cref="WorkerBid.Round"/> (answers
    /// <see cref="JobAnnouncement"/>); answers of an older round are ignored.</summary>
    [OneWay]
    Task BidAsync(WorkerBid bid);

    /// <summary>The worker started executing attempt <paramref name="attemptId"/>.</summary>
    [OneWay]
    Task AttemptStartedAsync(string attemptId, DateTimeOffset startedAt);

    /// <summary>How an attempt ended. A report of an attempt that is no longer current (the job was cancelled, or
    /// the attempt's lease expired and the job moved on) is ignored, so a job completes exactly once.</summary>
    Task ReportAttemptAsync(AttemptReport report);

    /// <summary>Extends the lease of attempt <paramref name="attemptId"/>; false when that attempt is no longer
    /// current (the worker should stop it).</summary>
    Task<bool> RenewLeaseAsync(string attemptId);
}
