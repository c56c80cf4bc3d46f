using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Committee;
using Marketplace.Grains.Tests.Samples;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A job's state effect is applied once however many attempts run: an executor that dies after its commit and
/// before its report leaves the job to a retry, which finds the job's commit and reproduces it without writing.</summary>
public sealed class JobStateFenceTests
{
    [Fact]
    public async Task A_job_whose_executor_dies_after_committing_state_completes_on_a_retry_with_its_effect_applied_once()
    {
        using var holdBack = new HoldBackFirstRun();
        var settings = new JobsSettings()
            .Worker("k1", capacity: 1)
            .Worker("k2", capacity: 1)
            .Set("Marketplace:Jobs:LeaseDuration", "00:00:03");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => services.AddSingleton<IRunResultTampering>(holdBack));
        await WorkerTests.WaitForWorkersAsync(silo, 2);
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm("counter"), new ProgramManifest { Name = "counter", Version = "1.0.0" }, JobsKit.DeployerKey);
        var program = (await silo.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt)).DeployAsync(deployment, BlobCaller.Silo)).Id;

        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.InputInline = "tally"u8.ToArray(); s.MaxRetries = 5; }));
        // The first run has committed its increment; its worker dies before reporting.
        var victim = await holdBack.FirstRun.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, (await silo.Grains.GetGrain<IProgramStateGrain>(program).GetSnapshotAsync()).Version);
        silo.Faults().Crash(victim);

        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(120));
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.NotEqual(victim, done.WorkerId);
        var state = silo.Grains.GetGrain<IProgramStateGrain>(program);
        Assert.Equal(1, (await state.GetSnapshotAsync()).Version);
        Assert.Equal(BitConverter.GetBytes(1L), (await state.GetProofAsync("tally"u8.ToArray())).Value);
        Assert.Equal("1", Encoding.ASCII.GetString(await CommitteeKit.ReadOutputAsync(silo, done)));
        Assert.Equal((await state.GetSnapshotAsync()).Root, done.StateRoot);
        Assert.Contains(await silo.Grains.LogsAsync(job.JobId), l => l.Message.Contains("earlier attempt of this job committed state version 1", StringComparison.Ordinal));
    }
}
