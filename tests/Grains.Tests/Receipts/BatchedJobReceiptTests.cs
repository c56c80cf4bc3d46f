using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Committee;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Real jobs on a real silo whose runs end together: their receipts are signed in one batch, each verifies on
/// its own against the worker's registered key, and the jobs complete as they would one by one.</summary>
public sealed class BatchedJobReceiptTests
{
    private const int Jobs = 6;

    [Fact]
    public async Task RunsThatEndTogetherAreSignedUnderOneRootAndEachReceiptVerifiesAlone()
    {
        using var gate = new RunGate(Jobs);
        var settings = new JobsSettings()
            .Worker("w1", capacity: Jobs, queue: 16)
            .Set("Marketplace:Jobs:DefaultCommitteeSize", "0")
            .Set("Marketplace:Jobs:ReceiptBatchWindow", "00:00:01");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => services.AddSingleton<IRunResultTampering>(gate));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var program = await CommitteeKit.DeployEchoAsync(silo);

        var submitted = await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i =>
            silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = Encoding.UTF8.GetBytes($"run {i}")))));
        var done = await Task.WhenAll(submitted.Select(job => silo.Grains.WaitTerminalAsync(job.JobId)));
        Assert.All(done, info => Assert.Equal(JobStatus.Completed, info.Status));

        var published = Convert.FromHexString((await silo.Grains.GetGrain<IWorkerGrain>("w1").GetAsync()).BlsPublicKey);
        var receipts = await Task.WhenAll(submitted.Select(job => silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client)));
        foreach (var signed in receipts)
        {
            // Through the file a client downloads, with nothing but the registered key.
            var parsed = ReceiptJson.Parse(ReceiptJson.Serialize(signed));
            var check = ReceiptVerifier.VerifySigned(parsed, published);
            Assert.True(check.IsValid, check.Detail);
        }

        // All six runs were held until every one had run, then released together: the first receipt waited for the
        // others (their runs were in progress), so they share one root and one signature.
        var batched = receipts.Where(r => r.Batch is not null).ToList();
        Assert.True(batched.Count >= 2, $"receipts signed in batches: {string.Join(", ", receipts.Select(r => r.Batch?.Size ?? 1))}");
        foreach (var group in batched.GroupBy(r => r.Batch!.Sequence))
        {
            var members = group.ToList();
            Assert.Equal(members[0].Batch!.Size, members.Count);
            Assert.Single(members.Select(r => Convert.ToHexString(r.Batch!.Root)).Distinct());
            Assert.Single(members.Select(r => Convert.ToHexString(r.Signature)).Distinct());
            Assert.Equal(Enumerable.Range(0, members.Count), members.Select(r => r.Batch!.Index).Order());
        }
    }

    /// <summary>Holds every run until <c>count</c> runs have reached it, then lets them all go at once.</summary>
    private sealed class RunGate(int count) : IRunResultTampering, IDisposable
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public async ValueTask<ProgramRunResult> TamperAsync(string workerId, string jobId, ProgramRunResult result)
        {
            if (Interlocked.Increment(ref _arrived) >= count)
            {
                _all.TrySetResult();
            }

            await _all.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return result;
        }

        public byte[] TamperAgreement(string workerId, string jobId, byte[] receiptHash, byte[] signature) => signature;

        public void Dispose() => _all.TrySetCanceled();
    }
}
