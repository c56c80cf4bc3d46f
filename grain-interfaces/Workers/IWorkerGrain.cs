using Marketplace.Runtime;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One worker (key = worker id). A silo hosts the workers its configuration names; each registers its capabilities
/// and a BLS public key with a proof of possession, heartbeats, announces itself on the <c>capabilities</c> stream
/// and hears jobs on the <c>jobs</c> stream (<see cref="MarketplaceStreams"/>). The job-facing protocol (bids,
/// assignments) is declared by the jobs library.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>The worker's current info. Throws <see cref="WorkerNotFoundException"/> if it never registered.</summary>
    Task<WorkerInfo> GetAsync();
}
