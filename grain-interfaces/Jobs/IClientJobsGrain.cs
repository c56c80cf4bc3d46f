using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>The jobs of one client (key = client id), newest first; jobs add themselves on submit.</summary>
public interface IClientJobsGrain : IGrainWithStringKey
{
    /// <summary>Records a job of this client (called by <see cref="IJobGrain"/> once the job is stored). One-way: the
    /// job does not wait for its list; a summary never replaces one of a finished job, so an add that arrives after
    /// the job's final update changes nothing.</summary>
    [OneWay]
    Task AddAsync([Immutable] JobSummary job);

    /// <summary>Holds a place for job <paramref name="jobId"/> with a budget of <paramref name="maxFuel"/> before it is
    /// stored; throws <see cref="QuotaExceededException"/> when the client already has as many unfinished jobs as its
    /// quota allows, or when the fuel its jobs burned in the last hour plus the budgets of its unfinished jobs and this
    /// one would pass its fuel-per-hour quota. The place is taken by the job's <see cref="AddAsync"/>.</summary>
    Task ReserveAsync(string jobId, long maxFuel);

    /// <summary>Gives back the place <see cref="ReserveAsync"/> held for job <paramref name="jobId"/> when the job is
    /// not stored after all (its escrow was refused); nothing for a job that holds none.</summary>
    Task ReleaseReservationAsync(string jobId);

    /// <summary>Asks for one of the client's concurrent places before job <paramref name="jobId"/> looks for a worker:
    /// true when it has one (until it finishes); false when the client's concurrent jobs are at their quota, in which
    /// case the job waits and is told (<see cref="IJobAttemptGrain.RoomAvailableAsync"/>) when a place is its turn,
    /// in submit order.</summary>
    Task<bool> TryStartAsync(string jobId);

    /// <summary>Updates the summary of a recorded job (called by <see cref="IJobGrain"/> when it finishes, before
    /// the job answers as finished, so the list and the client's quota agree with it) and tells the subscribed
    /// <see cref="IJobEventsObserver"/>s.</summary>
    Task UpdateAsync([Immutable] JobSummary job);

    /// <summary>Sends this client's finished jobs to <paramref name="observer"/> from now on, for
    /// <see cref="JobEvents.SubscriptionLifetime"/>; subscribing again renews it.</summary>
    [ClientCallable(ClientCallScope.GrainKey)]
    Task SubscribeAsync(IJobEventsObserver observer);

    /// <summary>Stops sending to <paramref name="observer"/>.</summary>
    [ClientCallable(ClientCallScope.GrainKey)]
    Task UnsubscribeAsync(IJobEventsObserver observer);

    /// <summary>Up to <paramref name="limit"/> jobs (1 to <see cref="PageLimits.Max"/>), newest first, optionally
    /// only those in <paramref name="status"/>, starting below the list position <paramref name="before"/> (null: from
    /// the newest). Each job keeps its position while it is listed, so a page after a
    /// <see cref="JobSummaryPage.Next"/> neither repeats nor skips jobs that stayed.</summary>
    [ClientCallable(ClientCallScope.GrainKey)]
    Task<JobSummaryPage> ListAsync(JobStatus? status, long? before, int limit);
}
