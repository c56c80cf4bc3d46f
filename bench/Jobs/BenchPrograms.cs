using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;
using Orleans.Streams;

namespace Marketplace.Jobs.Bench;

/// <summary>Deploying the bench program and waiting for job events.</summary>
internal static class BenchPrograms
{
    public static async Task<string> DeployAsync(IGrainFactory grains, byte[] wasm)
    {
        var key = Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646");
        var deployment = ProgramDeployments.Create(wasm, new ProgramManifest { Name = "trivial", Version = "1.0.0" }, key);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        var info = await grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment);
        return info.Id;
    }

    /// <summary>Completes the waiter of each finished job heard on the client's job-events stream.</summary>
    public static async Task SubmitAndWatch(this IAsyncStream<JobSummary> events, ConcurrentDictionary<string, TaskCompletionSource<JobSummary>> waiters) =>
        await events.SubscribeAsync((summary, _) =>
        {
            if (waiters.TryRemove(summary.JobId, out var waiter))
            {
                waiter.TrySetResult(summary);
            }

            return Task.CompletedTask;
        });
}
