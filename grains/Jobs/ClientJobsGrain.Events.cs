using Marketplace.GrainInterfaces;
using Orleans.Utilities;

namespace Marketplace.Grains.Jobs;

/// <summary>Finished jobs pushed to the client's observers: one one-way message per finished job and listener, none
/// when nobody listens. Subscriptions expire (Orleans' ObserverManager) unless renewed.</summary>
internal sealed partial class ClientJobsGrain
{
    private ObserverManager<IJobEventsObserver>? _observers;

    private ObserverManager<IJobEventsObserver> Observers => _observers ??= new(JobEvents.SubscriptionLifetime, log);

    /// <inheritdoc />
    public Task SubscribeAsync(IJobEventsObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IJobEventsObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private Task NotifyFinishedAsync(JobSummary job) =>
        _observers is { Count: > 0 } observers ? observers.Notify(observer => observer.JobFinishedAsync(job)) : Task.CompletedTask;
}
