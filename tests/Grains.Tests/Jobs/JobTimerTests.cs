using Marketplace.Grains.Jobs;
using Marketplace.Grains.Jobs.Verification;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A job's timer is always one Orleans accepts, and a committee whose members all answered before the job's
/// silo died advances at once on reactivation instead of failing it (a due time of "never" once made every activation
/// of such a job throw, so it could not be read or finished).</summary>
public sealed class JobTimerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DueTimesAreClampedBetweenNowAndADay()
    {
        Assert.Equal(TimeSpan.Zero, JobGrain.TimerDelay(Now.AddSeconds(-5), Now));
        Assert.Equal(TimeSpan.FromSeconds(3), JobGrain.TimerDelay(Now.AddSeconds(3), Now));
        Assert.Equal(JobGrain.MaxTimerDelay, JobGrain.TimerDelay(DateTimeOffset.MaxValue, Now));
        Assert.Equal(JobGrain.MaxTimerDelay, JobGrain.TimerDelay(Now.AddDays(60), Now));
    }

    [Fact]
    public void ACommitteeWithoutPendingSeatsIsDueNowAndOtherwiseAtItsEarliestPendingDeadline()
    {
        var answered = new CommitteeSeat { WorkerId = "a", Status = SeatStatus.Agreed, Deadline = Now.AddSeconds(1) };
        var late = new CommitteeSeat { WorkerId = "b", Status = SeatStatus.Pending, Deadline = Now.AddSeconds(30) };
        var early = new CommitteeSeat { WorkerId = "c", Status = SeatStatus.Pending, Deadline = Now.AddSeconds(10) };

        Assert.Equal(Now, JobVerificationGrain.CommitteeDeadline([answered], Now));
        Assert.Equal(Now.AddSeconds(10), JobVerificationGrain.CommitteeDeadline([answered, late, early], Now));
    }
}
