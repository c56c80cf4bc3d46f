using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The workers of one silo as one bidder (key = the host id, <see cref="WorkerInfo.HostId"/>): a job in matching
/// offers itself once per hosting silo, and the host answers with the bid or decline of each of its workers in one
/// message. So a matching round costs two messages per silo, not two per worker. The grain lives on the silo whose
/// workers it speaks for; where that silo is gone, it declines for them (not hosted here) and leaves.
/// </summary>
[Alias("marketplace.worker-host")]
public interface IWorkerHostGrain : IGrainWithStringKey
{
    /// <summary>Offers <paramref name="job"/> to <paramref name="workerIds"/> (workers of this host): each gets a bid
    /// or a decline naming its reason, sent together to the job (<see cref="IJobAttemptGrain.BidsAsync"/>). One-way,
    /// so a job never waits for a host's turn.</summary>
    [OneWay]
    [Alias("offer-job")]
    Task OfferJobAsync(JobAnnouncement job, [Immutable] string[] workerIds);
}
