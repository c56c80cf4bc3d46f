namespace Marketplace.GrainInterfaces;

/// <summary>
/// One job as its client sees it, keyed by its id (<see cref="JobIds"/>). Every call names the calling client: a
/// client sees and cancels only its own jobs (<see cref="AccessDeniedException"/>). The protocol workers speak with
/// the same job (bids, attempt starts, lease renewals, attempt reports) is <see cref="IJobAttemptGrain"/>.
/// </summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Submits the job. Idempotent: submitting again (the same client and request id map to the same job)
    /// returns the existing job and never runs it twice. Throws <see cref="InvalidRequestException"/> for bad limits
    /// and <see cref="ProgramNotFoundException"/> when the program reference does not resolve at submit.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<JobInfo> SubmitAsync(JobSubmission submission);

    /// <summary>The job as <paramref name="clientId"/> sees it. Throws <see cref="JobNotFoundException"/>.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<JobInfo> GetAsync(string clientId);

    /// <summary>Cancels a non-terminal job (a running attempt is interrupted). Throws
    /// <see cref="JobConflictException"/> ("already terminal") for a finished job.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<JobInfo> CancelAsync(string clientId);

    /// <summary>Up to <paramref name="limit"/> (1 to <see cref="PageLimits.Max"/>) of the job's log lines (host log
    /// calls of the program, attempts, retries, matching), oldest first, starting after the line with sequence number
    /// <paramref name="after"/> (null: from the first). Lines dropped by the log's bound between two pages are
    /// skipped, never repeated.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<JobLogPage> GetLogsAsync(string clientId, long? after, int limit);

    /// <summary>The job's log as a hash chain (<see cref="JobHistoryChain"/>): every kept line with its number and
    /// hash, and the head. Throws <see cref="JobNotFoundException"/> and <see cref="AccessDeniedException"/> like
    /// <see cref="GetLogsAsync"/>.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<JobHistory> GetHistoryAsync(string clientId);

    /// <summary>The signed receipt of the job's run as <paramref name="clientId"/> sees it: the receipt, its hash, the
    /// executing worker's public key and its signature. Throws <see cref="JobNotFoundException"/>,
    /// <see cref="AccessDeniedException"/> for another client's job, and <see cref="JobConflictException"/> while the
    /// job has not finished or when its run got no receipt (see grain-interfaces/Receipts/README.md).</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<SignedExecutionReceipt> GetReceiptAsync(string clientId);

    /// <summary>The job's receipt aggregated by its committee, or null when it has none (no committee, or the committee
    /// did not settle). Throws like <see cref="GetReceiptAsync"/>.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<AggregatedReceipt?> GetAggregatedReceiptAsync(string clientId);

    /// <summary>The completed job's terms for release on proof, signed by the account that escrowed it on the chain:
    /// the winning bid's price and the signers its receipt needs (the aggregated receipt's threshold, 1 without one).
    /// With the job's receipt they let anyone release the escrow on chain without the operator
    /// (<c>marketplace claim</c>). Throws like <see cref="GetReceiptAsync"/>, and <see cref="JobConflictException"/> for
    /// a job that did not complete, was not paid through a chain with release on proof, or ran for free.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<ChainJobTerms> GetChainTermsAsync(string clientId);
}
