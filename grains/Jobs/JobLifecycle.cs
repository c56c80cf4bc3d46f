// Design: the job's walk in one place. JobGrain changes its phase only through MoveTo, which checks this table. The
// grain's partial files say how each move is made (matching in JobGrain.Matching.cs, attempts in
// JobGrain.Attempts.cs, the hand-over to the job's verification grain in JobGrain.Verification.cs and its verdict in
// JobGrain.Verdict.cs, the end in JobGrain.cs's FinishAsync); this table says which moves exist. A move the table does not list is still made (stranding a job would
// be worse) and logged as an error (event 5304); the test silos fail a test that causes one.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// The job lifecycle as a transition table:
/// <code>
/// pending   → pending (waits again), matching, failed, cancelled, expired
/// matching  → matching (a new round), pending (no room, absent workers, a retry's backoff), running, failed, cancelled, expired
/// running   → pending (a retry, or resumed after its grain was reactivated), verifying, completed, failed, cancelled, timed_out, expired
/// verifying → completed (settled, short or unverified), failed, cancelled, expired
/// completed, failed, cancelled, timed_out, expired: terminal, no move
/// </code>
/// </summary>
internal sealed partial class JobLifecycle(ILogger<JobLifecycle> logger)
{
    private static readonly JobPhase[][] Moves = BuildMoves();

    /// <summary>True when the table lists a move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool Allows(JobPhase from, JobPhase to) => Array.IndexOf(Moves[(int)from], to) >= 0;

    /// <summary>The phases <paramref name="from"/> may move to.</summary>
    public static IReadOnlyList<JobPhase> From(JobPhase from) => Moves[(int)from];

    /// <summary>True for the phases a job ends in.</summary>
    public static bool IsTerminal(JobPhase phase) => Moves[(int)phase].Length == 0;

    /// <summary>The phase of a job with <paramref name="status"/> (<paramref name="verifying"/>: a committee is open).</summary>
    public static JobPhase PhaseOf(JobStatus status, bool verifying) => status switch
    {
        JobStatus.Pending => JobPhase.Pending,
        JobStatus.Matching => JobPhase.Matching,
        JobStatus.Running => verifying ? JobPhase.Verifying : JobPhase.Running,
        JobStatus.Completed => JobPhase.Completed,
        JobStatus.Failed => JobPhase.Failed,
        JobStatus.Cancelled => JobPhase.Cancelled,
        JobStatus.TimedOut => JobPhase.TimedOut,
        JobStatus.Expired => JobPhase.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a job status"),
    };

    /// <summary>The status the API shows for <paramref name="phase"/>.</summary>
    public static JobStatus StatusOf(JobPhase phase) => phase switch
    {
        JobPhase.Pending => JobStatus.Pending,
        JobPhase.Matching => JobStatus.Matching,
        JobPhase.Running or JobPhase.Verifying => JobStatus.Running,
        JobPhase.Completed => JobStatus.Completed,
        JobPhase.Failed => JobStatus.Failed,
        JobPhase.Cancelled => JobStatus.Cancelled,
        JobPhase.TimedOut => JobStatus.TimedOut,
        JobPhase.Expired => JobStatus.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a job phase"),
    };

    /// <summary>Checks a move of job <paramref name="jobId"/>; logs one the table does not list.</summary>
    /// <returns>True when the table lists it.</returns>
    public bool Check(string jobId, JobPhase from, JobPhase to)
    {
        if (Allows(from, to))
        {
            return true;
        }

        LogUnlisted(logger, jobId, from, to);
        return false;
    }

    private static JobPhase[][] BuildMoves()
    {
        var moves = new JobPhase[Enum.GetValues<JobPhase>().Length][];
        moves[(int)JobPhase.Pending] = [JobPhase.Pending, JobPhase.Matching, JobPhase.Failed, JobPhase.Cancelled, JobPhase.Expired];
        moves[(int)JobPhase.Matching] = [JobPhase.Matching, JobPhase.Pending, JobPhase.Running, JobPhase.Failed, JobPhase.Cancelled, JobPhase.Expired];
        moves[(int)JobPhase.Running] = [JobPhase.Pending, JobPhase.Verifying, JobPhase.Completed, JobPhase.Failed, JobPhase.Cancelled, JobPhase.TimedOut, JobPhase.Expired];
        moves[(int)JobPhase.Verifying] = [JobPhase.Completed, JobPhase.Failed, JobPhase.Cancelled, JobPhase.Expired];
        moves[(int)JobPhase.Completed] = [];
        moves[(int)JobPhase.Failed] = [];
        moves[(int)JobPhase.Cancelled] = [];
        moves[(int)JobPhase.TimedOut] = [];
        moves[(int)JobPhase.Expired] = [];
        return moves;
    }

    [LoggerMessage(EventId = MarketplaceEventIds.JobTransitionUnlisted, Level = LogLevel.Error, Message = "Job {JobId} moved from {From} to {To}, a move its lifecycle table does not list (grains/Jobs/JobLifecycle.cs)")]
    private static partial void LogUnlisted(ILogger logger, string jobId, JobPhase from, JobPhase to);
}
