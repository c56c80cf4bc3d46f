using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>GrainMarketplaceClient's trust calls over a real gateway connection: the committee's aggregated receipt
/// and handing in evidence, with the same contract as the HTTP client.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GrainClientTrustTests(GatewaySiloFixture fixture)
{
    [Fact]
    public async Task TheAggregatedReceiptComesOverTheGatewayAndVerifiesAgainstTheRegistry()
    {
        var client = await fixture.Silo.MarketplaceAsync("grain-trust");
        var name = "grain-committee-" + Guid.NewGuid().ToString("N")[..8];
        await client.DeployProgramAsync(SamplePrograms.Echo(name));
        var job = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = "committee"u8.ToArray(), CommitteeSize = 1 });
        var done = await client.WaitForJobAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(VerificationState.Verified, done.Verification!.State);

        var aggregated = await client.GetJobAggregatedReceiptAsync(job.JobId);
        Assert.Equal(done.ReceiptHash, Convert.ToHexStringLower(aggregated.ReceiptHash));
        var policy = new AggregatedReceiptPolicy { Registry = await client.GetWorkerKeyRegistryAsync(), ExpectedProgramId = done.ProgramId, MinimumSigners = 2 };
        var check = AggregatedReceiptVerifier.Verify(aggregated, policy);
        Assert.True(check.IsValid, check.Detail);

        var alone = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = "alone"u8.ToArray(), CommitteeSize = 0 });
        await client.WaitForJobAsync(alone.JobId, TimeSpan.FromSeconds(60));
        await Assert.ThrowsAsync<JobConflictException>(() => client.GetJobAggregatedReceiptAsync(alone.JobId));
    }

    [Fact]
    public async Task AProgramsStateComesOverTheGatewayNowAndAtAKeptPastRoot()
    {
        var client = await fixture.Silo.MarketplaceAsync("grain-state");
        var name = "grain-kv-" + Guid.NewGuid().ToString("N")[..8];
        var program = await client.DeployProgramAsync(SamplePrograms.Echo(name, wasm: SamplePrograms.KvStoreWasm));
        var empty = await client.GetProgramStateAsync(program.Id);
        var job = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = """{"op":"put","key":"a","data_base64":"AQID"}"""u8.ToArray(), CommitteeSize = 0 });
        var done = await client.WaitForJobAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Completed, done.Status);

        var now = await client.GetProgramStateAsync(name);
        Assert.Equal((1L, done.StateRoot), (now.Version, now.Root));
        Assert.NotEmpty(now.Entries);
        var before = await client.GetProgramStateAsync(program.Id, empty.Root);
        Assert.Equal((0L, empty.Root, 0), (before.Version, before.Root, before.Entries.Count));
        await Assert.ThrowsAsync<StateNotKeptException>(() => client.GetProgramStateAsync(program.Id, new string('2', 64)));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.GetProgramStateAsync(program.Id, "not-a-root"));
    }

    [Fact]
    public async Task EvidenceThatDoesNotProveADoubleSignByARegisteredWorkerIsRefused()
    {
        var client = await fixture.Silo.MarketplaceAsync("grain-evidence");
        using var stranger = Bls.KeyGen(Enumerable.Repeat((byte)77, 32).ToArray());
        var evidence = DoubleSignEvidence.From(Signed(Receipt(0x41), stranger), Signed(Receipt(0x42), stranger));
        var unknown = await Assert.ThrowsAsync<EvidenceInvalidException>(() => client.SubmitEvidenceAsync(evidence));
        Assert.Contains("no registered worker", unknown.Message, StringComparison.Ordinal);

        var forged = DoubleSignEvidenceJson.Parse(DoubleSignEvidenceJson.Serialize(evidence));
        forged.First.Signature[9] ^= 1;
        await Assert.ThrowsAsync<EvidenceInvalidException>(() => client.SubmitEvidenceAsync(forged));
    }

    private static ExecutionReceipt Receipt(byte output) => TrustSamples.Receipt("job-grain-evidence", "prog-grain-evidence", "w-stranger", output, 99);

    private static SignedExecutionReceipt Signed(ExecutionReceipt receipt, SecretKey key) => TrustSamples.Signed(receipt, key);
}
