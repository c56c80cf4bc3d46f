using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>A silo starting into a busy cluster: a worker registration that goes unanswered is asked again, and the
/// silo starts with its workers online instead of ending.</summary>
public sealed class WorkerRegistrationRetryTests
{
    [Fact]
    public async Task A_registration_that_times_out_at_start_is_asked_again_and_the_worker_comes_online()
    {
        var unanswered = new FirstRegistrationsUnanswered(2);
        await using var silo = await MarketplaceTestSilo.StartAsync(
            new JobsSettings().Worker("r1").Values,
            services => services.AddSingleton<IOutgoingGrainCallFilter>(unanswered));
        Assert.True(unanswered.Calls >= 3, $"{unanswered.Calls} registration calls");
        var online = await WorkerTests.WaitForWorkersAsync(silo, 1);
        Assert.Contains(online, w => w.WorkerId == "r1" && w.Online);
    }

    /// <summary>Fails the first <paramref name="count"/> worker registrations as a call with no answer does.</summary>
    private sealed class FirstRegistrationsUnanswered(int count) : IOutgoingGrainCallFilter
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(IWorkerGrain) && context.InterfaceMethod.Name == nameof(IWorkerGrain.RegisterAsync)
                && Interlocked.Increment(ref _calls) <= count)
            {
                throw new TimeoutException("Response did not arrive on time (injected)");
            }

            return context.Invoke();
        }
    }
}
