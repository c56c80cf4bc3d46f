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
    /// <see cref="IJobEventsObserver"/> subscribed on <paramref name="grains"/>' silo and renewed every minute, well
    /// within <see cref="JobEvents.SubscriptionLifetime"/>); dispose it to stop.</summary>
    public static async Task<IAsyncDisposable> WatchAsync(IGrainFactory grains, string client, ConcurrentDictionary<string, TaskCompletionSource<JobSummary>> waiters)
    {
        var watcher = new Watcher(grains, client, waiters);
        await watcher.SubscribeAsync();
        watcher.Start();
        return watcher;
    }

    private sealed class Watcher : IAsyncDisposable
    {
        // Orleans holds an observer object weakly: this field keeps it alive as long as the watcher.
        private readonly Forwarder _forwarder;
        private readonly IJobEventsObserver _reference;
        private readonly IGrainFactory _grains;
        private readonly string _client;
        private readonly CancellationTokenSource _stop = new();
        private Task? _renewals;

        public Watcher(IGrainFactory grains, string client, ConcurrentDictionary<string, TaskCompletionSource<JobSummary>> waiters)
        {
            _grains = grains;
            _client = client;
            _forwarder = new Forwarder(waiters);
            _reference = grains.CreateObjectReference<IJobEventsObserver>(_forwarder);
        }

        public Task SubscribeAsync() => _grains.GetGrain<IClientJobsGrain>(_client).SubscribeAsync(_reference);

        public void Start() => _renewals = RenewAsync();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_renewals is not null)
            {
                await _renewals;
            }

            _stop.Dispose();
        }

        private async Task RenewAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    await SubscribeAsync();
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        }
    }

    private sealed class Forwarder(ConcurrentDictionary<string, TaskCompletionSource<JobSummary>> waiters) : IJobEventsObserver
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
