using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A submit that reserved its place and was then lost (its silo died before the job was stored) does not use
/// up the client's quota for good: the reservation lapses after its lifetime, on the grain's clock.</summary>
public sealed class ReservationLapseTests
{
    [Fact]
    public async Task Reservations_of_jobs_never_stored_give_their_places_back_after_their_lifetime()
    {
        var time = new ManualClock(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        await using var silo = await MarketplaceTestSilo.StartAsync(
            new Dictionary<string, string?> { ["Marketplace:Jobs:UnfinishedJobsPerClient:lapse"] = "3" },
            services => services.AddSingleton<TimeProvider>(time));
        var jobs = silo.Grains.GetGrain<IClientJobsGrain>("lapse");

        // Three submits reserve and never store their jobs, as when their silo dies in between.
        for (var i = 0; i < 3; i++)
        {
            await jobs.ReserveAsync("job-lost-" + i, 1_000);
        }

        await Assert.ThrowsAsync<QuotaExceededException>(() => jobs.ReserveAsync("job-next", 1_000));

        time.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<QuotaExceededException>(() => jobs.ReserveAsync("job-next", 1_000));

        time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            await jobs.ReserveAsync("job-again-" + i, 1_000);
        }

        // The new reservations count as the old ones did.
        await Assert.ThrowsAsync<QuotaExceededException>(() => jobs.ReserveAsync("job-one-too-many", 1_000));
    }
}
