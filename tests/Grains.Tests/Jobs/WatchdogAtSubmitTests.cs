using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>An accepted job has its watchdog reminder before its submit is answered (the default), so the survivors of
/// a silo that dies right after the submit find it; a positive <c>WatchdogAfter</c> defers the reminder.</summary>
public sealed class WatchdogAtSubmitTests
{
    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("00:00:30", false)]
    public async Task TheWatchdogIsInTheReminderTableWhenTheSubmitIsAnsweredUnlessDeferred(string watchdogAfter, bool expected)
    {
        // The only worker is in another region than the job asks for, and its next match is 10 min away: the job stays
        // pending for the whole test.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", region: "local")
            .Set("Marketplace:Jobs:WatchdogAfter", watchdogAfter)
            .Set("Marketplace:Jobs:RetryBaseDelay", "00:10:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s =>
        {
            s.Constraints = new() { ["region"] = "mars" };
            s.MaxRetries = 10;
        }));

        var grainId = silo.Grains.GetGrain<IJobGrain>(job.JobId).GetGrainId();
        var entry = await silo.Services.GetRequiredService<IReminderTable>().ReadRow(grainId, JobGrain.WatchdogReminder);
        Assert.Equal(expected, entry is not null);
        Assert.True((await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client)).Status < JobStatus.Completed);
    }
}
