using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>Scenarios A26 and A27 end to end: workers bid with the score and ban their reputation grains pushed to
/// them, and jobs record what happened on their workers.</summary>
public sealed class ReputationMatchingTests
{
    [Fact]
    public async Task A26_WorkersBelowTheMinimumReputationDoNotBidAndWithoutAQualifiedBidTheJobHasNoEligibleWorker()
    {
        var time = new ManualClock(DateTimeOffset.UtcNow);
        var settings = new JobsSettings().Worker("r1").Worker("r2").Worker("r3").Set("Marketplace:Reputation:MinimumReputation", "0.7");
        await using var silo = await ReputationKit.StartAsync(time, settings);

        // r1: 4 / 7 = 0.571, r2: 4 / 6 = 0.667, both under 0.7; r3 stays at the prior, 0.8.
        await silo.Grains.RecordAsync("r1", ReputationEventKind.Failure, 2);
        await silo.Grains.RecordAsync("r2", ReputationEventKind.Failure, 1);
        await silo.Grains.WaitWorkerAsync("r1", w => w.Reputation < 0.6);
        await silo.Grains.WaitWorkerAsync("r2", w => w.Reputation < 0.7);

        var good = await JobsKit.DeployAsync(silo, "quick");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(good, s => s.RequestId = "a26-1"));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal("r3", done.WorkerId);
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, l => l.Message.Contains("assigned to worker r3", StringComparison.Ordinal) && l.Message.Contains("1 bid(s), 2 decline(s)", StringComparison.Ordinal));

        // The completion was recorded on r3 with its receipt hash and latency (and its committee's verification).
        var events = await silo.Grains.EventsAsync("r3");
        var success = Assert.Single(events, e => e.Kind == ReputationEventKind.Success);
        Assert.Equal(events.Count - 1, events.Count(e => e.Kind == ReputationEventKind.VerifiedResult));
        Assert.Equal(ReputationEventIds.ForAttempt(job.JobId, 1, ReputationEventKind.Success), success.EventId);
        Assert.Equal(done.ReceiptHash, success.Hash);
        Assert.Equal(job.JobId, success.JobId);
        Assert.InRange(success.LatencyMs, 0, 60_000);

        // r3 falls under the minimum too: nobody qualifies.
        await silo.Grains.RecordAsync("r3", ReputationEventKind.Timeout, 2);
        await silo.Grains.WaitWorkerAsync("r3", w => w.Reputation < 0.7);
        var none = await silo.Grains.SubmitAsync(JobsKit.Job(good, s => s.RequestId = "a26-2"));
        var failed = await silo.Grains.WaitTerminalAsync(none.JobId);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(FailureReason.NoEligibleWorker, failed.FailureReason);
        Assert.Equal(["r1", "r2", "r3"], failed.Ineligible.Select(i => i.WorkerId));
        Assert.All(failed.Ineligible, i => Assert.Contains("below the minimum 0.7 to bid", i.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A27_ABannedWorkerDeclinesSayingUntilWhenAndBidsAgainOnceTheBanExpires()
    {
        var time = new ManualClock(DateTimeOffset.UtcNow);
        var settings = new JobsSettings().Worker("b1").Set("Marketplace:Reputation:MinimumReputation", "0");
        await using var silo = await ReputationKit.StartAsync(time, settings);
        var good = await JobsKit.DeployAsync(silo, "quick");

        await silo.Grains.RecordAsync("b1", ReputationEventKind.Failure, 9);
        var banned = await silo.Grains.GetGrain<IReputationGrain>("b1").GetAsync();
        Assert.NotNull(banned.BannedUntil);
        await silo.Grains.WaitWorkerAsync("b1", w => w.Reputation < 0.3);

        var refused = await silo.Grains.SubmitAsync(JobsKit.Job(good, s => s.RequestId = "a27-1"));
        var failed = await silo.Grains.WaitTerminalAsync(refused.JobId);
        Assert.Equal(FailureReason.NoEligibleWorker, failed.FailureReason);
        var reason = Assert.Single(failed.Ineligible).Reason;
        Assert.Equal($"worker b1 is banned until {banned.BannedUntil!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {banned.BanReason}", reason);

        time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var again = await silo.Grains.SubmitAsync(JobsKit.Job(good, s => s.RequestId = "a27-2"));
        var done = await silo.Grains.WaitTerminalAsync(again.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(again.JobId));
        Assert.Equal("b1", done.WorkerId);
    }
}
