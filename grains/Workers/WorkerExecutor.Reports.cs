// Reports leave the run slot: a slot is busy while its program runs and its receipt is signed, not while the job
// checks the receipt, writes its state and settles (hundreds of milliseconds with a chain behind the settlement). A sent
// report keeps its attempt in flight (leases renewed, Holds true) until the job has answered; StopAsync waits for the
// reports still on their way, so a draining silo's last runs complete their jobs.
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Workers;

internal sealed partial class WorkerExecutor
{
    private readonly ConcurrentDictionary<Attempt, Task> _reports = new();

    /// <summary>Keeps <paramref name="attempt"/> in flight until the job has answered its <paramref name="report"/>.</summary>
    private void TrackReport(Attempt attempt, Task report)
    {
        var answered = AwaitReportAsync(attempt, report);
        _reports[attempt] = answered;
        _ = answered.ContinueWith(
            static (done, state) =>
            {
                var (reports, attempt) = ((ConcurrentDictionary<Attempt, Task>, Attempt))state!;
                reports.TryRemove(KeyValuePair.Create(attempt, done));
            },
            (_reports, attempt),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task AwaitReportAsync(Attempt attempt, Task report)
    {
        try
        {
            await report.ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The job will not hear from this attempt: its lease expires and it retries elsewhere (a committee member
            // is replaced when its deadline passes).
            LogReportFailed(_log, e, WorkerId, attempt.Assignment.JobId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAttemptFault(_log, e, WorkerId, attempt.Assignment.JobId);
        }
        finally
        {
            Retire(attempt);
        }
    }

    /// <summary>An attempt is over here: no more renewals, cancels or <see cref="Holds"/>.</summary>
    private void Retire(Attempt attempt)
    {
        _inFlight.TryRemove(attempt.Assignment.AttemptId, out _);
        attempt.Cancellation.Dispose();
    }

    /// <summary>Waits until every report sent so far is answered, or <paramref name="stopping"/> fires (then logged).</summary>
    private async Task<bool> ReportsAnsweredAsync(CancellationToken stopping)
    {
        var pending = _reports.Values.ToArray();
        if (pending.Length == 0)
        {
            return true;
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            LogReportsUnanswered(_log, WorkerId, _reports.Count);
            return false;
        }
    }

    [LoggerMessage(EventId = MarketplaceEventIds.WorkerReportsUnanswered, Level = LogLevel.Warning, Message = "Worker {WorkerId} stopped with {Reports} report(s) its jobs had not answered at the shutdown deadline; those jobs hear of the runs when the messages arrive, else retry after their leases")]
    private static partial void LogReportsUnanswered(ILogger log, string workerId, int reports);
}
