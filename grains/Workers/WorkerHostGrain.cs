// Design: a job in matching used to offer itself to every online worker grain, and each answered with its own bid:
// two messages and two grain turns per worker per job. The workers of one silo share their executors' process, and
// everything a bid needs is there: the profile the worker grain publishes on its executor (capabilities, attempt
// counters, last heartbeat, reputation score and ban) and the executor's load. So a job offers itself once per hosting silo, to this grain,
// which answers for all of that silo's workers in one message. The grain is keyed by the host id (the id of the
// silo's first worker) and placed like that worker's grain, on the silo that lists it in its metadata; activated
// anywhere else (the silo is gone), it declines for every worker it is asked about and leaves.
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Reputation;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Marketplace.Grains.Workers;

/// <summary>The bidder for the workers of one silo (<see cref="IWorkerHostGrain"/>).</summary>
[WorkerHostPlacement]
[Reentrant]
[GrainType("worker-host")]
internal sealed class WorkerHostGrain(
    LocalWorkers localWorkers,
    GrainReferences<IJobAttemptGrain> jobs,
    IOptions<JobsOptions> options,
    IOptions<ReputationOptions> reputation,
    ReputationClock clock) : Grain, IWorkerHostGrain
{
    private readonly TimeSpan _offlineAfter = options.Value.WorkerOfflineAfter;
    private readonly double _minimumReputation = reputation.Value.MinimumReputation;

    /// <inheritdoc />
    public Task OfferJobAsync(JobAnnouncement job, string[] workerIds)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(workerIds);
        if (!string.Equals(localWorkers.HostId, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            // Placed here only because no live silo hosts these workers: answer for them, then leave so the next
            // offer finds their silo once it is back.
            DeactivateOnIdle();
        }

        var now = DateTimeOffset.UtcNow;
        var bids = new WorkerBid[workerIds.Length];
        for (var i = 0; i < bids.Length; i++)
        {
            bids[i] = Bid(workerIds[i], job, now);
        }

        return jobs.Create(job.JobId).BidsAsync(bids);
    }

    private WorkerBid Bid(string workerId, JobAnnouncement job, DateTimeOffset now)
    {
        var executor = localWorkers.Find(workerId);
        var profile = executor?.Profile;
        var running = executor?.Running ?? 0;
        var queued = executor?.Queued ?? 0;
        var reason = executor is null ? $"worker {workerId} is not hosted on this silo"
            : profile is null ? $"worker {workerId} is not registered"
            : now - profile.LastHeartbeat >= _offlineAfter ? WorkerProfile.OfflineReason(workerId, profile.LastHeartbeat, now)
            : !executor.IsAlive ? $"worker {workerId} is not running jobs (its executor stopped)"
            : ReputationEligibility.Check(workerId, profile.Reputation, profile.BannedUntil, profile.BanReason, clock.Now, _minimumReputation)
                ?? profile.StakeShortfall
                ?? WorkerEligibility.Check(workerId, profile.Capabilities, job);
        var busy = false;
        if (reason is null && executor!.BusyReason(job.ClientId, job.JobId) is { } full)
        {
            // The job waits for room; the executor wakes it when room opens (WorkerWaitlist).
            reason = full;
            busy = true;
            localWorkers.Waitlist.Add(job.JobId, job.ClientId, job.SubmittedAt);
        }
        return new WorkerBid
        {
            WorkerId = workerId,
            Round = job.Round,
            Eligible = reason is null,
            DeclineReason = reason,
            PricePerMillionFuel = profile?.Capabilities.PricePerMillionFuel ?? 0,
            Reputation = profile?.Reputation ?? 0,
            Running = running,
            Queued = queued,
            Capacity = profile?.Capabilities.Capacity ?? 0,
            MaxQueueDepth = profile?.Capabilities.MaxQueueDepth ?? 0,
            Busy = busy,
        };
    }
}
