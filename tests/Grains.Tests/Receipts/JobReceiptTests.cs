using System.Security.Cryptography;
using System.Text;
using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Tests.Samples;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Receipts of real jobs on a real silo: what they say, that the worker's published key verifies them, state
/// roots of a stateful program, receipted failures, endings without a receipt, and a restart.</summary>
public sealed class JobReceiptTests
{
    private const string KvRootAfterPut = "01dee219f5367c8b3c38d2277f169b524cc39a42cdb453549672ff2abf7991f9";

    [Fact]
    public async Task ACompletedJobHasAReceiptForItsOutputAndFuelSignedWithTheWorkersPublishedKey()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeploySampleAsync(silo, "echo");
        var input = Encoding.UTF8.GetBytes("hello world");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = input));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));

        var signed = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client);
        var receipt = signed.Receipt;
        var output = await ReadOutputAsync(silo, done);
        Assert.Equal("HELLO WORLD", Encoding.UTF8.GetString(output));
        Assert.Equal(SHA256.HashData(output), receipt.OutputHash);
        Assert.Equal(done.FuelConsumed, receipt.FuelConsumed);
        Assert.Equal(SHA256.HashData(input), receipt.InputHash);
        Assert.Equal(SHA256.HashData(SamplePrograms.Wasm("echo")), receipt.WasmHash);
        Assert.Equal(job.JobId, receipt.JobId);
        Assert.Equal(1, receipt.Attempt);
        Assert.Equal(program, receipt.ProgramId);
        Assert.Equal("w1", receipt.WorkerId);
        Assert.Equal(ReceiptAbi.Onvm, receipt.Abi);
        Assert.Equal(ReceiptOutcome.Completed, receipt.Outcome);
        Assert.Equal(ReceiptInvocation.None, receipt.InvocationHash);
        Assert.Equal(("wasmtime", "50.0.1"), (receipt.EngineName, receipt.EngineVersion));
        Assert.Equal(32, receipt.EngineConfigDigest.Length);
        Assert.InRange(receipt.Timestamp, done.CreatedAt.AddSeconds(-1), done.CompletedAt!.Value.AddSeconds(1));

        // A program without state reads and leaves the empty tree.
        var empty = SparseMerkleTree.Empty.GetRootHex();
        Assert.Equal(empty, Convert.ToHexStringLower(receipt.StateRootIn));
        Assert.Equal(empty, Convert.ToHexStringLower(receipt.StateRootOut));

        Assert.Equal(Convert.ToHexStringLower(ReceiptCodec.Hash(receipt)), done.ReceiptHash);
        var published = Convert.FromHexString((await silo.Grains.GetGrain<IWorkerGrain>("w1").GetAsync()).BlsPublicKey);
        Assert.Equal(published, signed.WorkerPublicKey);
        var check = ReceiptVerifier.VerifySigned(signed, published);
        Assert.True(check.IsValid, check.Detail);
    }

    [Fact]
    public async Task AStatefulProgramsReceiptsCarryItsStateRootsBeforeAndAfter()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeploySampleAsync(silo, "kvstore");
        var state = silo.Grains.GetGrain<IProgramStateGrain>(program);
        var before = (await state.GetSnapshotAsync()).Root;

        var put = await RunAsync(silo, program, SamplePrograms.Input("kvstore", "kv_put.json"));
        var after = (await state.GetSnapshotAsync()).Root;
        Assert.Equal(SparseMerkleTree.Empty.GetRootHex(), before);
        Assert.Equal(KvRootAfterPut, after);
        Assert.Equal(before, Convert.ToHexStringLower(put.StateRootIn));
        Assert.Equal(after, Convert.ToHexStringLower(put.StateRootOut));

        // A read leaves the state as it found it.
        var list = await RunAsync(silo, program, SamplePrograms.Input("kvstore", "list.json"));
        Assert.Equal(after, Convert.ToHexStringLower(list.StateRootIn));
        Assert.Equal(after, Convert.ToHexStringLower(list.StateRootOut));
        Assert.Equal(after, (await state.GetSnapshotAsync()).Root);
    }

    [Fact]
    public async Task RunsThatRanOutOfFuelOrTrappedAreReceiptedAndTimeoutsAreNot()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var loop = await JobsKit.DeployAsync(silo, "infinite_loop");
        var trap = await JobsKit.DeployAsync(silo, "trap");
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");

        var starved = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(loop, s => s.MaxFuel = 100_000))).JobId);
        Assert.Equal(FailureReason.OutOfFuel, starved.FailureReason);
        var starvedReceipt = await silo.Grains.GetGrain<IJobGrain>(starved.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.Equal(ReceiptOutcome.OutOfFuel, starvedReceipt.Receipt.Outcome);
        Assert.Equal(100_000, starvedReceipt.Receipt.FuelConsumed);
        Assert.Equal(SHA256.HashData([]), starvedReceipt.Receipt.OutputHash);
        Assert.True(ReceiptVerifier.VerifySigned(starvedReceipt).IsValid);

        var trapped = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(trap))).JobId);
        Assert.Equal(FailureReason.ExecutionError, trapped.FailureReason);
        var trappedReceipt = await silo.Grains.GetGrain<IJobGrain>(trapped.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.Equal(ReceiptOutcome.Trapped, trappedReceipt.Receipt.Outcome);
        Assert.Equal(trapped.ReceiptHash, Convert.ToHexStringLower(trappedReceipt.ReceiptHash));

        var timedOut = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(slow, s =>
        {
            s.InputInline = JobsKit.Iterations(int.MaxValue);
            s.MaxFuel = JobLimits.MaxFuel;
            s.TimeoutMs = 200;
        }))).JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.TimedOut, timedOut.Status);
        Assert.Null(timedOut.ReceiptHash);
        var none = await Assert.ThrowsAsync<JobConflictException>(() => silo.Grains.GetGrain<IJobGrain>(timedOut.JobId).GetReceiptAsync(JobsKit.Client));
        Assert.Contains("has no receipt", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnfinishedJobHasNoReceiptYetAndAnotherClientGetsNone()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.InputInline = JobsKit.Iterations(int.MaxValue); s.MaxFuel = JobLimits.MaxFuel; }));
        var grain = silo.Grains.GetGrain<IJobGrain>(job.JobId);
        var early = await Assert.ThrowsAsync<JobConflictException>(() => grain.GetReceiptAsync(JobsKit.Client));
        Assert.Contains("once it has finished", early.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => grain.GetReceiptAsync("client-b"));
        await grain.CancelAsync(JobsKit.Client);
    }

    [Fact]
    public async Task AWasiJobsReceiptNamesItsInvocation()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var manifest = new ProgramManifest { Name = "wordcount", Version = "1.0.0" };
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm("wordcount"), manifest, JobsKit.DeployerKey);
        var program = (await silo.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt)).DeployAsync(deployment, BlobCaller.Silo)).Id;
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s =>
        {
            s.InputInline = SamplePrograms.Input("wordcount", "input.txt");
            s.Args = ["-v"];
            s.Env = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" };
        }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        var signed = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.Equal(ReceiptAbi.Wasi, signed.Receipt.Abi);
        Assert.Equal(ReceiptInvocation.Hash(["-v"], new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }, done.CreatedAt), signed.Receipt.InvocationHash);
        Assert.NotEqual(ReceiptInvocation.Hash([], new Dictionary<string, string>(), done.CreatedAt), signed.Receipt.InvocationHash);
        Assert.True(ReceiptVerifier.VerifySigned(signed).IsValid);
    }

    [Fact]
    public async Task AReceiptSurvivesASiloRestartAndStillVerifies()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeploySampleAsync(silo, "echo");
        var done = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = [104, 105]))).JobId);
        var before = await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetReceiptAsync(JobsKit.Client);
        var keyBefore = (await silo.Grains.GetGrain<IWorkerGrain>("w1").GetAsync()).BlsPublicKey;

        await silo.RestartAsync();
        await Jobs.WorkerTests.WaitForWorkersAsync(silo, 1);
        var after = await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.Equal(ReceiptJson.Serialize(before), ReceiptJson.Serialize(after));
        Assert.Equal(done.ReceiptHash, (await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetAsync(JobsKit.Client)).ReceiptHash);

        // The worker kept its key file, so the key it publishes after the restart still verifies the old receipt.
        var keyAfter = (await silo.Grains.GetGrain<IWorkerGrain>("w1").GetAsync()).BlsPublicKey;
        Assert.Equal(keyBefore, keyAfter);
        Assert.True(ReceiptVerifier.VerifySigned(after, Convert.FromHexString(keyAfter)).IsValid);
    }

    private static async Task<string> DeploySampleAsync(MarketplaceTestSilo silo, string name)
    {
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm(name), new ProgramManifest { Name = name, Version = "1.0.0" }, JobsKit.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        return (await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo)).Id;
    }

    private static async Task<ExecutionReceipt> RunAsync(MarketplaceTestSilo silo, string program, byte[] input)
    {
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = input));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        var signed = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.True(ReceiptVerifier.VerifySigned(signed).IsValid);
        Assert.Equal(done.FuelConsumed, signed.Receipt.FuelConsumed);
        return signed.Receipt;
    }

    private static async Task<byte[]> ReadOutputAsync(MarketplaceTestSilo silo, JobInfo done)
    {
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(silo.Grains, BlobCaller.Silo, done.OutputBlobId!, target, 0, null, null, CancellationToken.None);
        return target.ToArray();
    }
}
