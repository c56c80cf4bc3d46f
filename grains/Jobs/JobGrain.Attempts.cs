using Marketplace.GrainInterfaces;
using Marketplace.Grains.Telemetry;

namespace Marketplace.Grains.Jobs;

/// <summary>Running attempts: start notices, leases, reports (their receipts checked first, see JobGrain.Receipts.cs), losses.</summary>
internal sealed partial class JobGrain
{
    private string? _attemptId;
    private DateTimeOffset _leaseExpiresAt;

    /// <inheritdoc />
    public Task AttemptStartedAsync(string attemptId, DateTimeOffset startedAt)
    {
        if (Info.Status == JobStatus.Running && string.Equals(attemptId, _attemptId, StringComparison.Ordinal))
        {
            if (!state.State.Started)
            {
                MarketplaceTelemetry.JobStarted(startedAt - Info.CreatedAt);
            }

            Info.StartedAt = startedAt;
            state.State.Started = true;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RenewLeaseAsync(string attemptId)
    {
        if (Info.Status != JobStatus.Running || !string.Equals(attemptId, _attemptId, StringComparison.Ordinal))
        {
            return Task.FromResult(false);
        }

        _leaseExpiresAt = DateTimeOffset.UtcNow + _options.LeaseDuration;
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public async Task ReportAttemptAsync(AttemptReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Info.Status != JobStatus.Running || !string.Equals(report.AttemptId, _attemptId, StringComparison.Ordinal))
        {
            AddLog("warn", $"ignored a report from worker {report.WorkerId} for an attempt that is no longer current ({(report.Succeeded ? "succeeded" : report.FailureReason.ToString())})");
            return;
        }

        if (await ReceiptProblemAsync(report) is { } problem)
        {
            await RejectReportAsync(report, problem);
            return;
        }

        KeepReceipt(report);
        var attempt = state.State.Attempts;
        foreach (var line in report.Logs)
        {
            AddLog(line.Level, line.Message, attempt);
        }

        Info.FuelConsumed = report.FuelConsumed;
        if (report.Succeeded)
        {
            Info.OutputBlobId = report.OutputBlobId;
            Info.OutputSize = report.OutputSize;
            Info.StateRoot = report.StateRoot;
            Info.StartedAt ??= Info.MatchedAt;
            if (await StartCommitteeAsync(report))
            {
                return; // completes once the committee settles
            }

            await RecordSuccessAsync(report);
            await FinishAsync(JobStatus.Completed, FailureReason.None, null);
            return;
        }

        var error = report.Error ?? report.FailureReason.ToString();
        AddLog("error", $"attempt {attempt} on worker {report.WorkerId} failed ({report.FailureReason}): {error}; fuel {report.FuelConsumed}", attempt);
        var retriable = report.Retriable || report.FailureReason is FailureReason.Timeout or FailureReason.MissingDependency or FailureReason.WorkerLost;
        if (report.ClusterFault)
        {
            // A silo or the database out of reach says nothing of the job and is not held against the worker: no
            // reputation event. A silo that left is routed around at once, so a job's first retry waits no backoff;
            // a job that retried before waits it, so a database restarting is outlasted rather than raced. The retry
            // still prefers another worker, in case the worker's own silo is the one in trouble.
            PreferOtherWorkers(report.WorkerId);
            var atOnce = Info.RetryCount == 0;
            AddLog("info", $"attempt {attempt} failed through the cluster, not worker {report.WorkerId}: not counted against it{(atOnce ? ", retried without a backoff" : "")}", attempt);
            await RetryOrFinishAsync(report.FailureReason, error, retriable: true, retryAtOnce: atOnce);
            return;
        }

        await RecordReportedFailureAsync(report);
        await RetryOrFinishAsync(report.FailureReason, error, retriable);
    }

    /// <summary>The running attempt is lost: <paramref name="why"/> null when its lease ran out, else the reason; with
    /// <paramref name="hostLeft"/> its worker's silo left the cluster, so the retry goes to another worker at once.</summary>
    private async Task LoseAttemptAsync(string? why = null, bool hostLeft = false)
    {
        var worker = Info.WorkerId ?? "";
        var attempt = state.State.Attempts;
        var attemptId = _attemptId;
        AddLog("warn", $"attempt {attempt} on worker {worker} lost: {why ?? $"no lease renewal for {_options.LeaseDuration.TotalMilliseconds:0} ms"}", attempt);
        PreferOtherWorkers(worker);

        if (attemptId is not null && worker.Length > 0)
        {
            await lookups.Worker(worker).AttemptLostAsync(JobId, attemptId);
        }

        await RecordLostAttemptAsync(worker);
        var error = why is null ? $"worker {worker} stopped renewing the lease of attempt {attempt}" : $"worker {worker} lost attempt {attempt}: {why}";
        await RetryOrFinishAsync(FailureReason.WorkerLost, error, retriable: true, retryAtOnce: hostLeft);
    }

    /// <summary>Makes the next match prefer other workers than <paramref name="worker"/> (it is still taken when no
    /// other bids).</summary>
    private void PreferOtherWorkers(string worker)
    {
        if (!state.State.LostOn.Contains(worker))
        {
            state.State.LostOn.Add(worker);
        }
    }
}
