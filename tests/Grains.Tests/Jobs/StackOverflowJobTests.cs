using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Unbounded recursion in a job: the job fails with the typed StackOverflow reason and Wasmtime's trap code,
/// is not retried, and the worker serves the next job.</summary>
public sealed class StackOverflowJobTests
{
    [Fact]
    public async Task DeepRecursionFailsTheJobWithStackOverflowAndTheWorkerGoesOn()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", capacity: 1));
        var recursion = SandboxLimitTests.Wat("""
            (module (memory (export "memory") 1)
              (func $down (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))
              (func (export "onvm_main") (param i32 i32) (result i32 i32) (drop (call $down (i32.const 0))) (i32.const 0) (i32.const 0)))
            """);
        var deployment = ProgramDeployments.Create(recursion, new ProgramManifest { Name = "recursion", Version = "1.0.0" }, JobsKit.DeployerKey);
        var program = await silo.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt)).DeployAsync(deployment, BlobCaller.Silo);

        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program.Id, s => { s.MaxFuel = JobLimits.MaxFuel; s.MaxRetries = 2; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(FailureReason.StackOverflow, done.FailureReason);
        Assert.Contains("StackOverflow", done.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, done.RetryCount);

        var quick = await JobsKit.DeployAsync(silo, "quick");
        var next = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(quick))).JobId);
        Assert.Equal(JobStatus.Completed, next.Status);
    }
}
