namespace Marketplace.GrainInterfaces;

/// <summary>
/// The per-client stream of finished jobs: every job publishes its <see cref="JobSummary"/> once, when it reaches a
/// terminal status, on stream (<see cref="Namespace"/>, client id) of provider <see cref="MarketplaceStreams.Provider"/>.
/// Lets a client wait for its jobs without polling.
/// </summary>
public static class JobEvents
{
    /// <summary>The stream namespace; the key is the client id.</summary>
    public const string Namespace = "job-events";
}
