using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Tests.Samples;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>A receipt's claim and signature are made beside the store of the run's output: an output that cannot be
/// stored still leaves no receipt with its failed attempt, and the retry on the same worker claims and signs the same
/// result.</summary>
public sealed class OutputStoreFailureTests
{
    [Fact]
    public async Task An_output_that_cannot_be_stored_leaves_no_receipt_and_the_retry_signs_the_same_result()
    {
        var faults = new FirstOutputStoreFails();
        await using var silo = await MarketplaceTestSilo.StartAsync(new JobsSettings().Worker("w1").Values,
            services => services.AddSingleton<IOutgoingGrainCallFilter>(faults));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm("echo"), new ProgramManifest { Name = "echo", Version = "1.0.0" }, JobsKit.DeployerKey);
        var program = (await silo.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt))
            .DeployAsync(deployment, BlobCaller.Silo)).Id;
        faults.Armed = true;

        var input = Encoding.UTF8.GetBytes("store me");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s =>
        {
            s.InputInline = input;
            s.MaxRetries = 2;
        }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);

        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(1, faults.Failed);
        Assert.Equal(1, done.RetryCount);
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, l => l.Attempt == 1 && l.Message.Contains("could not store the output", StringComparison.Ordinal));

        // The receipt is the second attempt's, for the output that was stored, and the worker's key verifies it.
        var signed = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.Equal(2, signed.Receipt.Attempt);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("STORE ME")), signed.Receipt.OutputHash);
        var published = Convert.FromHexString((await silo.Grains.GetGrain<IWorkerGrain>("w1").GetAsync()).BlsPublicKey);
        var check = ReceiptVerifier.VerifySigned(signed, published);
        Assert.True(check.IsValid, check.Detail);
    }

    /// <summary>Once armed, the first store of a blob fails as a full or broken disk fails it.</summary>
    private sealed class FirstOutputStoreFails : IOutgoingGrainCallFilter
    {
        private int _failed;

        public volatile bool Armed;

        public int Failed => Volatile.Read(ref _failed);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (Armed && context.InterfaceMethod?.DeclaringType == typeof(IBlobWriterGrain)
                && context.InterfaceMethod.Name == nameof(IBlobWriterGrain.StoreAsync)
                && Interlocked.CompareExchange(ref _failed, 1, 0) == 0)
            {
                throw new BlobStoreException("injected: the chunk store could not write the chunk");
            }

            return context.Invoke();
        }
    }
}
