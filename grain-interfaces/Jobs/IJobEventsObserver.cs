using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Hears a client's jobs finish, without polling: subscribe a reference to it with
/// <see cref="IClientJobsGrain.SubscribeAsync"/> (from an <c>IGrainFactory.CreateObjectReference</c>) and renew the
/// subscription within <see cref="JobEvents.SubscriptionLifetime"/>. Each job is reported once, when it reaches a
/// terminal status, after the client's job list shows it so.
/// </summary>
[Alias("marketplace.job-events-observer")]
public interface IJobEventsObserver : IGrainObserver
{
    /// <summary>Job <paramref name="job"/> reached its terminal status.</summary>
    [OneWay]
    [Alias("job-finished")]
    Task JobFinishedAsync([Immutable] JobSummary job);
}
