using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>The job lifecycle's transition table, and the test silo's refusal of a move the table does not list.</summary>
public sealed class JobLifecycleTests
{
    private static readonly JobPhase[] Terminal = [JobPhase.Completed, JobPhase.Failed, JobPhase.Cancelled, JobPhase.TimedOut, JobPhase.Expired];

    [Fact]
    public void The_walk_is_pending_matching_running_verifying_then_an_end_and_no_end_moves_again()
    {
        Assert.True(JobLifecycle.Allows(JobPhase.Pending, JobPhase.Matching));
        Assert.True(JobLifecycle.Allows(JobPhase.Matching, JobPhase.Running));
        Assert.True(JobLifecycle.Allows(JobPhase.Running, JobPhase.Verifying));
        Assert.True(JobLifecycle.Allows(JobPhase.Verifying, JobPhase.Completed));
        foreach (var end in Terminal)
        {
            Assert.True(JobLifecycle.IsTerminal(end));
            Assert.Empty(JobLifecycle.From(end));
        }

        // No shortcut: nothing runs unmatched, nothing is verified that did not run, a verified run is not re-run.
        Assert.False(JobLifecycle.Allows(JobPhase.Pending, JobPhase.Running));
        Assert.False(JobLifecycle.Allows(JobPhase.Pending, JobPhase.Completed));
        Assert.False(JobLifecycle.Allows(JobPhase.Matching, JobPhase.Verifying));
        Assert.False(JobLifecycle.Allows(JobPhase.Matching, JobPhase.Completed));
        Assert.False(JobLifecycle.Allows(JobPhase.Verifying, JobPhase.Pending));
        Assert.False(JobLifecycle.Allows(JobPhase.Verifying, JobPhase.Running));

        // Cancel and expiry reach every unfinished phase.
        foreach (var phase in Enum.GetValues<JobPhase>().Except(Terminal))
        {
            Assert.True(JobLifecycle.Allows(phase, JobPhase.Cancelled), phase.ToString());
            Assert.True(JobLifecycle.Allows(phase, JobPhase.Expired), phase.ToString());
        }
    }

    [Fact]
    public void Every_phase_maps_to_the_status_the_api_shows_and_back()
    {
        foreach (var phase in Enum.GetValues<JobPhase>())
        {
            var status = JobLifecycle.StatusOf(phase);
            Assert.Equal(phase, JobLifecycle.PhaseOf(status, verifying: phase == JobPhase.Verifying));
        }

        Assert.Equal(JobStatus.Running, JobLifecycle.StatusOf(JobPhase.Verifying));
        Assert.Equal(Enum.GetValues<JobStatus>().Length, Enum.GetValues<JobPhase>().Length - 1);
    }

    [Fact]
    public async Task A_move_the_table_does_not_list_fails_the_test_silo_that_saw_it()
    {
        var silo = await MarketplaceTestSilo.StartAsync();
        var lifecycle = silo.Services.GetRequiredService<JobLifecycle>();
        Assert.True(lifecycle.Check("job-listed", JobPhase.Pending, JobPhase.Matching));
        Assert.False(lifecycle.Check("job-unlisted", JobPhase.Completed, JobPhase.Pending));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await silo.DisposeAsync());
        Assert.Contains("Job job-unlisted moved from Completed to Pending", refused.Message, StringComparison.Ordinal);
    }
}
