// Design: the list lives in memory and is written in coalesced flushes, and a job tells it of its end with one call.
// A silo that dies takes the unwritten changes of the list's activation with it, and a job whose final call found the
// list's silo dead cannot deliver it: the stored list would then show finished jobs as unfinished for ever, and they
// would count against the client's quota of unfinished jobs until the client could submit nothing. So the list asks:
// 5 s after it is activated and every ClientListCheckInterval, it reads the jobs it lists as unfinished and submitted
// at least one interval ago (oldest first, at most CheckBatch per pass) from the jobs themselves, whose own state is
// durable, and takes their ends as if the jobs had reported them.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Jobs;

/// <summary>The list's checks of its unfinished jobs against the jobs themselves.</summary>
internal sealed partial class ClientJobsGrain
{
    /// <summary>Jobs read per check at most.</summary>
    internal const int CheckBatch = 256;

    /// <summary>How long a check waits for one job's answer.</summary>
    private static readonly TimeSpan CheckCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>From activation to the first check.</summary>
    private static readonly TimeSpan FirstCheckAfter = TimeSpan.FromSeconds(5);

    private void StartChecks() =>
        this.RegisterGrainTimer(CheckUnfinishedAsync, new GrainTimerCreationOptions(FirstCheckAfter, _options.ClientListCheckInterval));

    private async Task CheckUnfinishedAsync(CancellationToken cancellationToken)
    {
        if (_unfinished == 0)
        {
            return;
        }

        var before = _time.GetUtcNow() - _options.ClientListCheckInterval;
        var due = new List<string>();
        foreach (var job in state.State.Jobs)
        {
            // The list is oldest first: the first job submitted too recently ends the scan.
            if (job.CreatedAt > before || due.Count == CheckBatch)
            {
                break;
            }

            if (IsUnfinished(job.Status))
            {
                due.Add(job.JobId);
            }
        }

        if (due.Count == 0)
        {
            return;
        }

        var reads = new Task<JobInfo>[due.Count];
        for (var i = 0; i < due.Count; i++)
        {
            reads[i] = GrainFactory.GetGrain<IJobGrain>(due[i]).GetAsync(ClientId).WaitAsync(CheckCallTimeout, cancellationToken);
        }

        var ended = 0;
        var unanswered = 0;
        for (var i = 0; i < reads.Length; i++)
        {
            JobInfo info;
            try
            {
                info = await reads[i];
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or MarketplaceException)
            {
                unanswered++; // asked again at the next check
                continue;
            }

            if (!IsUnfinished(info.Status))
            {
                ended++;
                await UpdateAsync(new JobSummary
                {
                    JobId = info.JobId,
                    RequestId = info.RequestId,
                    ProgramId = info.ProgramId,
                    Status = info.Status,
                    CreatedAt = info.CreatedAt,
                    CompletedAt = info.CompletedAt,
                    MaxFuel = info.MaxFuel,
                    FuelConsumed = info.FuelConsumed,
                });
            }
        }

        if (ended > 0 || unanswered > 0)
        {
            LogUnfinishedChecked(log, ClientId, due.Count, ended, unanswered);
        }
    }

    [LoggerMessage(EventId = MarketplaceEventIds.ClientListChecked, Level = LogLevel.Warning, Message = "Client {ClientId}: read {Checked} jobs listed as unfinished from the jobs themselves; {Ended} had ended without the list hearing of it (a silo died), {Unanswered} did not answer")]
    private static partial void LogUnfinishedChecked(ILogger logger, string clientId, int @checked, int ended, int unanswered);
}
