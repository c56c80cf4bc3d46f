using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Tests.Samples;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Committee;

/// <summary>Committees for runs that read or changed program state: members re-execute against the state the
/// executor's run read (kept by the program's state as undo records) and commit nothing.</summary>
public sealed class StatefulCommitteeTests
{
    [Fact]
    public async Task RunsThatWriteStateAreReExecutedAgainstTheStateTheyReadAndCommittedOnce()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3");
        var program = await DeployKvStoreAsync(silo);

        var first = await RunAsync(silo, program, """{"op":"put","key":"a","data_base64":"AQID"}""");
        var second = await RunAsync(silo, program, """{"op":"put","key":"b","data_base64":"BAU="}""");
        var read = await RunAsync(silo, program, """{"op":"get","key":"a"}""");

        foreach (var (done, aggregated) in new[] { first, second, read })
        {
            Assert.Equal(VerificationState.Verified, done.Verification!.State);
            Assert.Equal(3, CommitteeKit.Signers(aggregated).Count);
            Assert.True(CommitteeKit.Verifies(aggregated));
        }

        // Each write changed the state once, from where the previous one left it; the read changed nothing.
        Assert.NotEqual(first.Aggregated.Receipt.StateRootIn, first.Aggregated.Receipt.StateRootOut);
        Assert.Equal(first.Aggregated.Receipt.StateRootOut, second.Aggregated.Receipt.StateRootIn);
        Assert.Equal(second.Aggregated.Receipt.StateRootOut, read.Aggregated.Receipt.StateRootIn);
        Assert.Equal(read.Aggregated.Receipt.StateRootIn, read.Aggregated.Receipt.StateRootOut);
        var snapshot = await silo.Grains.GetGrain<IProgramStateGrain>(program).GetSnapshotAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(Convert.ToHexStringLower(second.Aggregated.Receipt.StateRootOut), snapshot.Root);
        Assert.Contains("\"data_base64\":\"AQID\"", Encoding.UTF8.GetString(await CommitteeKit.ReadOutputAsync(silo, read.Done)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoPastStateKeptAWritingRunCompletesUnverified()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 1, s => s.Set("Marketplace:Programs:StateHistoryCommits", "0").Set("Marketplace:Programs:StateHistoryAge", "00:00:00"), null, "w1", "w2");
        var program = await DeployKvStoreAsync(silo);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = Encoding.UTF8.GetBytes("""{"op":"put","key":"a","data_base64":"AQID"}""")));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(30));

        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(VerificationState.Unverified, done.Verification!.State);
        Assert.Contains("no longer kept", done.Verification.Note, StringComparison.Ordinal);
        Assert.Null(await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAggregatedReceiptAsync(JobsKit.Client));
        Assert.Equal(1, (await silo.Grains.GetGrain<IProgramStateGrain>(program).GetSnapshotAsync()).Version);
    }

    [Fact]
    public async Task AMemberWhoseRunsPastStateWasDroppedMeanwhileIsExcusedNotPenalised()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(
            tampering,
            1,
            s => s.Set("Marketplace:Programs:StateHistoryCommits", "1").Set("Marketplace:Programs:StateHistoryAge", "00:00:00"),
            services =>
            {
                services.AddSingleton<StateChurnBeforeAttestation>();
                services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<StateChurnBeforeAttestation>());
            },
            "w1",
            "w2");
        var program = await DeployKvStoreAsync(silo);
        var churn = silo.Services.GetRequiredService<StateChurnBeforeAttestation>();
        churn.Arm(program);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = Encoding.UTF8.GetBytes("""{"op":"put","key":"a","data_base64":"AQID"}""")));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(30));

        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.True(churn.Churned, "the state did not move on before the member was asked: " + await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(VerificationState.Unverified, done.Verification!.State);
        Assert.Empty(done.Verification.Unavailable);
        Assert.Contains(await silo.Grains.LogsAsync(job.JobId), l => l.Message.Contains("committee member w2 excused", StringComparison.Ordinal));
        Assert.Equal(3, (await silo.Grains.GetGrain<IProgramStateGrain>(program).GetSnapshotAsync()).Version);
    }

    private static async Task<string> DeployKvStoreAsync(MarketplaceTestSilo silo)
    {
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm("kvstore"), new ProgramManifest { Name = "kvstore", Version = "1.0.0" }, JobsKit.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        return (await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo)).Id;
    }

    private static async Task<(JobInfo Done, AggregatedReceipt Aggregated)> RunAsync(MarketplaceTestSilo silo, string program, string input)
    {
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = Encoding.UTF8.GetBytes(input)));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(30));
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        var aggregated = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAggregatedReceiptAsync(JobsKit.Client);
        Assert.True(aggregated is not null, await silo.Grains.DescribeAsync(job.JobId));
        return (done, aggregated);
    }
}

/// <summary>Before the first committee request of an armed program's job reaches its worker, commits to the program's
/// state twice, so with one kept undo record the state the executor's run read is gone: no timing involved.</summary>
internal sealed class StateChurnBeforeAttestation(IServiceProvider services) : IOutgoingGrainCallFilter
{
    private string? _program;

    public bool Churned { get; private set; }

    public void Arm(string programId) => _program = programId;

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IWorkerGrain)
            && context.InterfaceMethod.Name == nameof(IWorkerGrain.AttestAsync)
            && Interlocked.Exchange(ref _program, null) is { } program)
        {
            var state = services.GetRequiredService<IGrainFactory>().GetGrain<IProgramStateGrain>(program);
            for (var i = 0; i < 2; i++)
            {
                var version = (await state.GetSnapshotAsync()).Version;
                var commit = await state.CommitAsync(version, [new StateWrite { Key = Encoding.ASCII.GetBytes("churn"), Value = [(byte)i] }]);
                Assert.True(commit.Committed);
            }

            Churned = true;
        }

        await context.Invoke();
    }
}
