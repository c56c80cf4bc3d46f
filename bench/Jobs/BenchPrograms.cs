using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;

namespace Marketplace.Jobs.Bench;

/// <summary>Deploying the bench program and waiting for job events.</summary>
internal static class BenchPrograms
{
    public static async Task<string> DeployAsync(IGrainFactory grains, byte[] wasm)
    {
        var key = Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646");
        var deployment = ProgramDeployments.Create(wasm, new ProgramManifest { Name = "trivial", Version = "1.0.0" }, key);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        var info = await grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo);
        return info.Id;
    }

    /// <summary>Completes the waiter of each finished job the client's job list reports (an
    /// <see cref="IJobEventsObserver"/> subscribed on <paramref name="grains"/>' silo); keep the returned observer alive.</summary>
    public static async Task<IJobEventsObserver> WatchAsync(IGrainFactory grains, string client, ConcurrentDictionary<string, TaskCompletionSource<JobSummary>> waiters)
    {
        var watcher = new Watcher(waiters);
        var reference = grains.CreateObjectReference<IJobEventsObserver>(watcher);
        await grains.GetGrain<IClientJobsGrain>(client).SubscribeAsync(reference);
        return watcher;
    }

    private sealed class Watcher(ConcurrentDictionary<string, TaskCompletionSource<JobSummary>> waiters) : IJobEventsObserver
    {
        public Task JobFinishedAsync(JobSummary job)
        {
            if (waiters.TryRemove(job.JobId, out var waiter))
            {
                waiter.TrySetResult(job);
            }

            return Task.CompletedTask;
        }
    }
}
