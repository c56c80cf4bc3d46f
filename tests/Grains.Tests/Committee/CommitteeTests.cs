using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Committee;

/// <summary>Committees on a real silo: real Wasmtime runs re-executed by other workers, real BLS signatures aggregated,
/// workers made to lie, stay silent or forge agreements through the test-only tampering hook.</summary>
public sealed class CommitteeTests
{
    private static readonly byte[] Input = Encoding.UTF8.GetBytes("hello world");

    [Fact]
    public async Task ACommitteeOfTwoAgreesAndItsAggregatedReceiptVerifiesUnderTheSignersKeys()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3");
        var (done, aggregated) = await RunEchoAsync(silo);

        Assert.Equal(VerificationState.Verified, done.Verification!.State);
        Assert.Equal(2, done.Verification.CommitteeSize);
        Assert.Equal(1, done.Verification.DistinctResults);
        Assert.False(done.Verification.Short);
        Assert.Null(done.Verification.Note);
        Assert.Equal(3, aggregated.Members.Count);
        Assert.Equal(("w1", CommitteeRole.Executor), (aggregated.Members[0].WorkerId, aggregated.Members[0].Role));
        Assert.All(aggregated.Members.Skip(1), m => Assert.Equal(CommitteeRole.Committee, m.Role));
        Assert.Equal(aggregated.Members.Select(m => m.WorkerId), CommitteeKit.Signers(aggregated));
        Assert.Equal(done.Verification.Signers, CommitteeKit.Signers(aggregated));
        Assert.Equal(2, aggregated.Threshold);
        Assert.True(CommitteeKit.Verifies(aggregated));
        Assert.Equal("HELLO WORLD", Encoding.UTF8.GetString(await CommitteeKit.ReadOutputAsync(silo, done)));

        // The executor's receipt is the one signed; its hash is the job's receipt hash.
        var executor = await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.Equal(executor.ReceiptHash, aggregated.ReceiptHash);
        Assert.Equal(Convert.ToHexStringLower(aggregated.ReceiptHash), done.ReceiptHash);

        // Each member's key is the one in the registry at the recorded epoch.
        var registry = await silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).GetKeyRegistryAsync();
        Assert.Equal(3, registry.Epoch);
        Assert.Equal(registry.Epoch, aggregated.RegistryEpoch);
        foreach (var member in aggregated.Members)
        {
            Assert.Equal(registry.Workers.Single(w => w.WorkerId == member.WorkerId).PublicKey, member.PublicKey);
        }

        // A tampered aggregate does not verify.
        var flipped = aggregated.ReceiptHash.ToArray();
        flipped[0] ^= 1;
        Assert.False(Crypto.Bls.Bls.FastAggregateVerify(
            [.. aggregated.Members.Select(m => Crypto.Bls.PublicKey.FromBytes(m.PublicKey))], flipped, Crypto.Bls.Signature.FromBytes(aggregated.AggregateSignature)));
    }

    [Fact]
    public async Task TheDrawIsReproducibleFromTheRecordedSeedAndTheCandidates()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3", "w4", "w5");
        var (_, aggregated) = await RunEchoAsync(silo);

        Assert.Equal(CommitteeDraw.Seed(aggregated.ReceiptHash), aggregated.DrawSeed);
        var registry = await silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).GetKeyRegistryAsync();
        var candidates = registry.Workers.Select(w => w.WorkerId).Where(id => id != "w1");
        var drawn = CommitteeDraw.Draw(aggregated.DrawSeed, candidates, 2);
        Assert.Equal(drawn, aggregated.Members.Skip(1).Select(m => m.WorkerId));
        Assert.Equal(3, aggregated.Members.Count);
        Assert.True(CommitteeKit.Verifies(aggregated));
    }

    [Fact]
    public async Task A15_AMemberThatLiesIsOutvotedByTheMajorityAndKeptAsEvidence()
    {
        using var tampering = new Tampering();
        tampering.Liars.Add("w3");
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3");
        var (done, aggregated) = await RunEchoAsync(silo);

        Assert.Equal(VerificationState.Verified, done.Verification!.State);
        Assert.Equal(2, done.Verification.DistinctResults);
        Assert.Equal(["w3"], done.Verification.Losers);
        Assert.Equal(["w1", "w2"], CommitteeKit.Signers(aggregated));
        Assert.Equal(3, aggregated.Members.Count);
        Assert.Equal(2, aggregated.Threshold);
        Assert.Equal("w1", aggregated.Receipt.WorkerId);
        Assert.True(CommitteeKit.Verifies(aggregated));
        Assert.Equal("HELLO WORLD", Encoding.UTF8.GetString(await CommitteeKit.ReadOutputAsync(silo, done)));
        var logs = await silo.Grains.LogsAsync(done.JobId);
        Assert.Contains(logs, l => l.Message.Contains("committee member w3 (committee) dissented", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Message.Contains("losers kept as evidence: w3", StringComparison.Ordinal));

        // Reputation hears the outcome: the liar a wrong result, the winners a verified one, the executor its success.
        var liar = await silo.Grains.GetGrain<IReputationGrain>("w3").GetAsync();
        Assert.Equal(1, liar.Counts.WrongResults);
        Assert.Equal(0, liar.Counts.VerifiedResults);
        var executor = await silo.Grains.GetGrain<IReputationGrain>("w1").GetAsync();
        Assert.Equal((1L, 1L, 0L), (executor.Counts.VerifiedResults, executor.Counts.Successes, executor.Counts.WrongResults));
        Assert.Equal(1, (await silo.Grains.GetGrain<IReputationGrain>("w2").GetAsync()).Counts.VerifiedResults);
        Assert.True(liar.Score < executor.Score, $"the liar's score {liar.Score} is not below the executor's {executor.Score}");
    }

    [Fact]
    public async Task AnExecutorThatLiesLosesAndTheJobsOutputBecomesTheMajoritys()
    {
        using var tampering = new Tampering();
        tampering.Liars.Add("w1");
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3");
        var (done, aggregated) = await RunEchoAsync(silo);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(["w1"], done.Verification!.Losers);
        Assert.Equal("HELLO WORLD", Encoding.UTF8.GetString(await CommitteeKit.ReadOutputAsync(silo, done)));
        Assert.Equal(["w2", "w3"], CommitteeKit.Signers(aggregated).Order(StringComparer.Ordinal));
        Assert.Equal(("w1", CommitteeRole.Executor), (aggregated.Members[0].WorkerId, aggregated.Members[0].Role));
        Assert.Contains(aggregated.Receipt.WorkerId, new[] { "w2", "w3" });
        Assert.True(CommitteeKit.Verifies(aggregated));

        // The job's receipt is now the winner's, and a lying executor's output hash is not the settled one.
        var signed = await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.Equal(aggregated.ReceiptHash, signed.ReceiptHash);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("HELLO WORLD")), aggregated.Receipt.OutputHash);
    }

    [Fact]
    public async Task ASilentMemberIsReplacedByTheNextInDrawOrderAndRecordedUnavailable()
    {
        using var tampering = new Tampering { SilenceFirstMemberBesides = "w1" };
        await using var silo = await CommitteeKit.StartAsync(tampering, 1, "w1", "w2", "w3", "w4");
        // The silent member's seat is given up at its deadline (timeout + margin); the replacement must finish within
        // its own, so the timeout leaves a loaded machine room for one echo run.
        var (done, aggregated) = await RunEchoAsync(silo, timeoutMs: 4_000);

        var silent = tampering.Silenced;
        Assert.NotNull(silent);
        Assert.Equal([silent], done.Verification!.Unavailable);
        var registry = await silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).GetKeyRegistryAsync();
        var order = CommitteeDraw.Order(aggregated.DrawSeed, registry.Workers.Select(w => w.WorkerId).Where(id => id != "w1"));
        Assert.Equal(order[0], silent);
        Assert.Equal(["w1", order[1]], aggregated.Members.Select(m => m.WorkerId));
        Assert.Equal(["w1", order[1]], CommitteeKit.Signers(aggregated));
        Assert.True(CommitteeKit.Verifies(aggregated));
        Assert.Contains(await silo.Grains.LogsAsync(done.JobId), l => l.Message.Contains($"committee member {silent} unavailable: no answer by its deadline", StringComparison.Ordinal));

        // Its answer, once it comes, is stale.
        tampering.Release();
        await silo.WaitIdleAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(done.Verification.Signers, (await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetAsync(JobsKit.Client)).Verification!.Signers);
    }

    [Fact]
    public async Task WithNoOtherWorkerTheJobCompletesUnverified()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1");
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = Input));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);

        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(VerificationState.Unverified, done.Verification!.State);
        Assert.Contains("no other online worker", done.Verification.Note, StringComparison.Ordinal);
        Assert.Null(await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAggregatedReceiptAsync(JobsKit.Client));
        Assert.Contains(await silo.Grains.LogsAsync(job.JobId), l => l.Message.StartsWith("completes unverified: no other online worker", StringComparison.Ordinal));
        var signed = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client);
        Assert.True(ReceiptVerifier.VerifySigned(signed).IsValid);
    }

    [Fact]
    public async Task ACommitteeSizeOfZeroAsksNobody()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2");
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.InputInline = Input; s.CommitteeSize = 0; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal((VerificationState.Unverified, 0), (done.Verification!.State, done.Verification.CommitteeSize));
        Assert.Null(await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAggregatedReceiptAsync(JobsKit.Client));
    }

    [Fact]
    public async Task A14_AnAgreementWhoseSignatureDoesNotVerifyIsRejectedAndNotAggregated()
    {
        using var tampering = new Tampering();
        tampering.ForgeAgreements.Add("w2");
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3");
        var (done, aggregated) = await RunEchoAsync(silo);

        Assert.Equal(VerificationState.Verified, done.Verification!.State);
        Assert.Equal(["w2"], done.Verification.Unavailable);

        // Two re-executions were asked for and one agrees: verified by a smaller committee, and it says so.
        Assert.True(done.Verification.Short);
        Assert.Equal("short of its committee: 1 of the 2 re-executions asked for agree with the settled receipt (1 unavailable: w2)", done.Verification.Note);
        Assert.Equal(ReceiptVerificationFailure.TooFewSigners, AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { MinimumSigners = done.Verification.CommitteeSize + 1 }).Failure);
        Assert.Equal(["w1", "w3"], aggregated.Members.Select(m => m.WorkerId));
        Assert.Equal(["w1", "w3"], CommitteeKit.Signers(aggregated));
        Assert.True(CommitteeKit.Verifies(aggregated));
        Assert.Contains(await silo.Grains.LogsAsync(done.JobId), l => l.Message.Contains("committee member w2 rejected: its agreement signature does not verify", StringComparison.Ordinal));
        Assert.Equal(1, (await silo.Grains.GetGrain<IWorkerGrain>("w2").GetAsync()).Failed);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(JobLimits.MaxCommitteeSize + 1)]
    public async Task ABadCommitteeSizeIsATypedError(int size)
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1");
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.CommitteeSize = size)));
        Assert.StartsWith("committeeSize:", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(JobInfo Done, AggregatedReceipt Aggregated)> RunEchoAsync(MarketplaceTestSilo silo, long timeoutMs = 5_000)
    {
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.InputInline = Input; s.TimeoutMs = timeoutMs; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(30));
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        var aggregated = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAggregatedReceiptAsync(JobsKit.Client);
        Assert.True(aggregated is not null, await silo.Grains.DescribeAsync(job.JobId));
        return (done, aggregated);
    }
}
