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

    /// <summary>Holds a place for job <paramref name="jobId"/> before it is stored; throws
    /// <see cref="QuotaExceededException"/> when the client already has as many unfinished jobs as its quota allows.
    /// The place is taken by the job's <see cref="AddAsync"/>.</summary>
    Task ReserveAsync(string jobId);

    /// <summary>Updates the summary of a recorded job (called by <see cref="IJobGrain"/> when it finishes) and tells
    /// the subscribed <see cref="IJobEventsObserver"/>s. One-way, as <see cref="AddAsync"/>.</summary>
    [OneWay]
    Task UpdateAsync([Immutable] JobSummary job);

    /// <summary>Sends this client's finished jobs to <paramref name="observer"/> from now on, for
    /// <see cref="JobEvents.SubscriptionLifetime"/>; subscribing again renews it.</summary>
    Task SubscribeAsync(IJobEventsObserver observer);

    /// <summary>Stops sending to <paramref name="observer"/>.</summary>
    Task UnsubscribeAsync(IJobEventsObserver observer);

    /// <summary>Up to <paramref name="limit"/> jobs (1 to <see cref="PageLimits.Max"/>), newest first, optionally
    /// only those in <paramref name="status"/>, starting below the list position <paramref name="before"/> (null: from
    /// the newest). Each job keeps its position while it is listed, so a page after a
    /// <see cref="JobSummaryPage.Next"/> neither repeats nor skips jobs that stayed.</summary>
    Task<JobSummaryPage> ListAsync(JobStatus? status, long? before, int limit);
}
