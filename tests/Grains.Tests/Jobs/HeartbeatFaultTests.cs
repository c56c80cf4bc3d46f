using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A silo's worker heartbeats outlive any failed round: with the cluster's database away, a heartbeat call can
/// fail with the grain directory's own database error, not an Orleans one, and the loop must go on.</summary>
public sealed class HeartbeatFaultTests
{
    [Fact]
    public async Task HeartbeatsGoOnAfterCallsFailWithAnErrorThatIsNotOrleans()
    {
        var faults = new FailingHeartbeats();
        var settings = new JobsSettings().Worker("w1")
            .Set("Marketplace:Jobs:HeartbeatInterval", "00:00:00.100")
            .Set("Marketplace:Jobs:WorkerOfflineAfter", "00:00:00.600");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => services.AddSingleton<IIncomingGrainCallFilter>(faults));
        await WorkerTests.WaitForWorkersAsync(silo, 1);

        faults.Failing = true;
        await faults.FailedThreeTimes.WaitAsync(TimeSpan.FromSeconds(60)); // the loop went on after the first failure
        faults.Failing = false;

        var directory = silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var healed = DateTimeOffset.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var worker = Assert.Single(await directory.ListAsync(null, 10));
            if (worker.Online && worker.LastHeartbeat > healed)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"w1 heard last at {worker.LastHeartbeat:O}, faults ended at {healed:O}");
            await Task.Delay(50);
        }
    }

    /// <summary>Fails worker heartbeats with an exception Orleans does not define while <see cref="Failing"/> is set.</summary>
    private sealed class FailingHeartbeats : IIncomingGrainCallFilter
    {
        private readonly TaskCompletionSource _three = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _failures;

        public volatile bool Failing;

        public Task FailedThreeTimes => _three.Task;

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (Failing && context.MethodName == nameof(IWorkerGrain.HeartbeatAsync))
            {
                if (Interlocked.Increment(ref _failures) >= 3)
                {
                    _three.TrySetResult();
                }

                throw new InvalidOperationException("the cluster's database is away (simulated)");
            }

            return context.Invoke();
        }
    }
}
