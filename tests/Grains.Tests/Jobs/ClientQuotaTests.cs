using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A client's unfinished jobs are bounded: a submit beyond the quota is refused with a typed error, other
/// clients are unaffected, and the client may submit again once a job has finished.</summary>
public sealed class ClientQuotaTests
{
    [Fact]
    public async Task SubmitsBeyondTheUnfinishedJobQuotaAreRefusedUntilAJobFinishes()
    {
        // The only worker is in another region than the jobs ask for: submitted jobs stay unfinished (their next match
        // is 10 min away) until cancelled.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", region: "local")
            .Set("Marketplace:Jobs:UnfinishedJobsPerClient:" + JobsKit.Client, "3")
            .Set("Marketplace:Jobs:RetryBaseDelay", "00:10:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var jobs = new List<JobInfo>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add(await silo.Grains.SubmitAsync(Stranded(quick, s => { s.RequestId = "q" + i; s.MaxRetries = 10; })));
        }

        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => silo.Grains.SubmitAsync(Stranded(quick, s => s.RequestId = "q3")));
        Assert.Equal("quota_exceeded", refused.Code);

        // Resubmitting a job the client already has is not a new job and is not refused.
        Assert.Equal(jobs[0].JobId, (await silo.Grains.SubmitAsync(Stranded(quick, s => { s.RequestId = "q0"; s.MaxRetries = 10; }))).JobId);

        // Another client has its own quota (the default).
        var other = Stranded(quick, s => { s.ClientId = "client-b"; s.RequestId = "b0"; });
        Assert.Equal("client-b", (await silo.Grains.GetGrain<IJobGrain>(JobIds.For("client-b", "b0")).SubmitAsync(other)).ClientId);

        // Once one job has finished, there is room for one more.
        await silo.Grains.GetGrain<IJobGrain>(jobs[1].JobId).CancelAsync(JobsKit.Client);
        await Cluster.MarketplaceTestCluster.WaitAsync(async () =>
        {
            try
            {
                await silo.Grains.SubmitAsync(Stranded(quick, s => s.RequestId = "q3"));
                return true;
            }
            catch (QuotaExceededException)
            {
                return false;
            }
        }, () => "the cancelled job's place was never freed");
    }

    private static JobSubmission Stranded(string program, Action<JobSubmission> change) => JobsKit.Job(program, s =>
    {
        s.Constraints = new() { ["region"] = "mars" };
        change(s);
    });
}
