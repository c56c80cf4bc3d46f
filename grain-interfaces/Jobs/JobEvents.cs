namespace Marketplace.GrainInterfaces;

/// <summary>
/// A client's finished jobs, pushed to its <see cref="IJobEventsObserver"/>s by its <see cref="IClientJobsGrain"/>:
/// every job is reported once, when it reaches a terminal status. Lets a client wait for its jobs without polling.
/// Subscriptions are held in memory: renew them well within <see cref="SubscriptionLifetime"/> (and after a silo
/// restart); a job that finishes while no subscription is live is still in the client's list.
/// </summary>
public static class JobEvents
{
    /// <summary>How long a subscription lasts without renewal: 5 minutes.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);
}
