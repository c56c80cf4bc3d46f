// Design: the job flow's word on its workers' reputation. Each hook records one event on the worker's reputation
// grain, its id derived from job id, attempt and kind (ReputationEventIds.ForAttempt), so a record retried after a
// restart counts once. The calls are awaited in the job's turn but can never fail the job: JobReputationRecorder
// catches the typed failures of an unreachable or refusing grain, and the job logs a warning and goes on.
// What is recorded (grains/Reputation/README.md "Job flow"):
//   Success       a report of a completed run was accepted; latency = report time − start (else match) time, the
//                 receipt hash justifies it.
//   Failure       a report of a failed run for a reason on the worker's side (WorkerLost); failures the program or
//                 the client caused (traps, fuel, memory, missing program) are not the worker's and are not recorded.
//                 Also a report whose receipt does not check (rejected report): it proves the report cannot be trusted,
//                 not that the result was wrong, so it is a failure, not a WrongResult (which needs verification
//                 evidence); the rejected receipt's hash, when there is one, justifies it.
//   Timeout       the attempt was lost (its lease was not renewed).
using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>Reputation hooks of the job flow.</summary>
internal sealed partial class JobGrain
{
    /// <summary>Records the success of the current attempt, reported by <paramref name="report"/>.</summary>
    private Task RecordSuccessAsync(AttemptReport report) =>
        RecordExecutorSuccessAsync(Info.WorkerId ?? report.WorkerId, ReceiptHashOf(report));

    /// <summary>Records the success of the current attempt on <paramref name="workerId"/>, justified by the receipt
    /// hash <paramref name="receiptHash"/> (hex); the latency runs from the attempt's start (else its match).</summary>
    private Task RecordExecutorSuccessAsync(string workerId, string? receiptHash)
    {
        var started = Info.StartedAt ?? Info.MatchedAt;
        var latency = started is { } at ? Math.Max(0, (long)(DateTimeOffset.UtcNow - at).TotalMilliseconds) : 0;
        return RecordReputationAsync(workerId, ReputationEventKind.Success, latency, receiptHash);
    }

    /// <summary>Records a failure of the current attempt when its report blames the worker.</summary>
    private Task RecordReportedFailureAsync(AttemptReport report) =>
        report.FailureReason == FailureReason.WorkerLost
            ? RecordReputationAsync(Info.WorkerId ?? report.WorkerId, ReputationEventKind.Failure, 0, ReceiptHashOf(report))
            : Task.CompletedTask;

    /// <summary>Records the rejected report of the current attempt as a failure.</summary>
    private Task RecordRejectedReportAsync(AttemptReport report) =>
        RecordReputationAsync(Info.WorkerId ?? report.WorkerId, ReputationEventKind.Failure, 0, ReceiptHashOf(report));

    /// <summary>Records the loss of the current attempt on <paramref name="workerId"/> as a timeout.</summary>
    private Task RecordLostAttemptAsync(string workerId) => RecordReputationAsync(workerId, ReputationEventKind.Timeout, 0, null);

    private async Task RecordReputationAsync(string workerId, ReputationEventKind kind, long latencyMs, string? hash)
    {
        var attempt = state.State.Attempts;
        if (workerId.Length == 0 || attempt < 1)
        {
            return;
        }

        var problem = await lookups.Reputation.RecordAsync(new ReputationEvent
        {
            EventId = ReputationEventIds.ForAttempt(JobId, attempt, kind),
            WorkerId = workerId,
            Kind = kind,
            JobId = JobId,
            LatencyMs = latencyMs,
            Hash = hash,
        });
        if (problem is not null)
        {
            AddLog("warn", string.Create(CultureInfo.InvariantCulture, $"could not record a {kind} of attempt {attempt} in worker {workerId}'s reputation ({problem}); the job goes on"), attempt);
        }
    }

    private static string? ReceiptHashOf(AttemptReport report) =>
        report.Receipt?.ReceiptHash is { Length: > 0 and <= ReputationEvent.MaxHashLength / 2 } hash ? Convert.ToHexStringLower(hash) : null;
}
