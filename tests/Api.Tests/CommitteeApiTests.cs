using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Api.Tests.Cli;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>Committees over HTTP: <c>committee_size</c> at submit, the job's verification summary, the aggregated
/// receipt at <c>GET /v1/jobs/{id}/receipt</c>, <c>GET /v1/workers/registry</c> and <c>marketplace workers registry</c>.</summary>
[Collection(ApiCollection.Name)]
public sealed class CommitteeApiTests(ApiSiloFixture fixture) : IDisposable
{
    private readonly ApiTestSilo _silo = fixture.Silo;
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-registry-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_job_with_a_committee_answers_an_aggregated_receipt_that_verifies_against_the_registry()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-committee-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes("hello"), CommitteeSize = 1 })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);

        // The job's summary as the wire shows it.
        using (var info = JsonDocument.Parse(await alice.GetStringAsync($"v1/jobs/{job.JobId}")))
        {
            var verification = info.RootElement.GetProperty("verification");
            Assert.Equal("verified", verification.GetProperty("state").GetString());
            Assert.Equal(1, verification.GetProperty("committee_size").GetInt32());
            Assert.Equal(2, verification.GetProperty("signers").GetArrayLength());
            Assert.Equal(1, verification.GetProperty("distinct_results").GetInt32());
        }

        using var response = await alice.GetAsync($"v1/jobs/{job.JobId}/receipt");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadAsByteArrayAsync();
        var aggregated = AggregatedReceiptJson.Parse(body);
        Assert.Equal(job.ReceiptHash, Convert.ToHexStringLower(aggregated.ReceiptHash));
        Assert.Equal(2, aggregated.Members.Count);
        Assert.Equal([3], aggregated.SignerBitmap);

        var registry = WorkerKeyRegistryJson.Parse(await alice.GetByteArrayAsync("v1/workers/registry"));
        Assert.Equal(aggregated.RegistryEpoch, registry.Epoch);
        var keys = new List<PublicKey>();
        foreach (var member in aggregated.Members)
        {
            var entry = registry.Workers.Single(w => w.WorkerId == member.WorkerId);
            Assert.Equal(entry.PublicKey, member.PublicKey);
            Assert.True(Bls.PopVerify(PublicKey.FromBytes(entry.PublicKey), Signature.FromBytes(entry.ProofOfPossession)));
            keys.Add(PublicKey.FromBytes(member.PublicKey));
        }

        Assert.True(Bls.FastAggregateVerify(keys, aggregated.ReceiptHash, Signature.FromBytes(aggregated.AggregateSignature)));
        Assert.Equal(CommitteeDraw.Seed(aggregated.ReceiptHash), aggregated.DrawSeed);

        // The executor form is still there on request; an unknown kind is a typed 400.
        var executor = ReceiptJson.Parse(await alice.GetByteArrayAsync($"v1/jobs/{job.JobId}/receipt?kind=executor"));
        Assert.Equal(aggregated.ReceiptHash, executor.ReceiptHash);
        Assert.True(ReceiptVerifier.VerifySigned(executor).IsValid);
        Assert.Equal(body, await alice.GetByteArrayAsync($"v1/jobs/{job.JobId}/receipt?kind=aggregated"));
        await ProblemAssert.IsProblemAsync(await alice.GetAsync($"v1/jobs/{job.JobId}/receipt?kind=merkle"), 400, "invalid_request");
    }

    [Fact]
    public async Task The_sdk_and_the_cli_fetch_the_aggregated_receipt_and_it_verifies_offline_against_the_registry()
    {
        using var client = new Marketplace.Sdk.HttpMarketplaceClient(_silo.BaseAddress, ApiTestSilo.AliceKey);
        var name = "echo-sdk-committee-" + Guid.NewGuid().ToString("N")[..8];
        await client.DeployProgramAsync(SamplePrograms.Echo(name));
        var submitted = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes("sdk"), CommitteeSize = 1 });
        var job = await JobApiTests.WaitAsync(_silo.NewHttpClient(ApiTestSilo.AliceKey), submitted.JobId);
        Assert.Equal(VerificationState.Verified, job.Verification!.State);

        var aggregated = await client.GetJobAggregatedReceiptAsync(job.JobId);
        Assert.Equal(job.ReceiptHash, Convert.ToHexStringLower(aggregated.ReceiptHash));
        var registry = await client.GetWorkerKeyRegistryAsync();
        var policy = new AggregatedReceiptPolicy { Registry = registry, ExpectedProgramId = job.ProgramId, MinimumSigners = 2 };
        var check = Marketplace.Sdk.ReceiptFiles.Verify(AggregatedReceiptJson.Serialize(aggregated), policy);
        Assert.True(check.IsValid, check.Detail);

        // The CLI writes the same file, and verify-receipt checks it against the registry file.
        var cli = new CliRunner().With("MARKETPLACE_URL", _silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var receiptFile = Path.Combine(_folder, "aggregated.json");
        var registryFile = Path.Combine(_folder, "registry.json");
        var written = await cli.RunAsync("job-receipt", "--id", job.JobId, "--kind", "aggregated", "--out", receiptFile);
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains("signed by 2 of 2 committee members", written.Output, StringComparison.Ordinal);
        Assert.Equal(AggregatedReceiptJson.Serialize(aggregated), await File.ReadAllBytesAsync(receiptFile));
        Assert.Equal(0, (await cli.RunAsync("workers", "registry", "--out", registryFile)).ExitCode);
        var verified = await new CliRunner().RunAsync("verify-receipt", receiptFile, "--registry", registryFile, "--program", job.ProgramId, "--min-signers", "2");
        Assert.True(verified.ExitCode == 0, verified.ToString());

        // A job no committee settled: a typed conflict from the SDK, exit 3 from the CLI.
        var alone = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = [2] });
        await JobApiTests.WaitAsync(_silo.NewHttpClient(ApiTestSilo.AliceKey), alone.JobId);
        await Assert.ThrowsAsync<JobConflictException>(() => client.GetJobAggregatedReceiptAsync(alone.JobId));
        var refused = await cli.RunAsync("job-receipt", "--id", alone.JobId, "--kind", "aggregated");
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("job_conflict", refused.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("job-receipt", "--id", alone.JobId, "--kind", "merkle")).ExitCode);
    }

    [Fact]
    public async Task A_job_without_a_committee_has_no_aggregated_receipt()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-no-committee-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name, InputInline = [1] })).JobId);
        Assert.Equal(VerificationState.Unverified, job.Verification!.State);
        ReceiptJson.Parse(await alice.GetByteArrayAsync($"v1/jobs/{job.JobId}/receipt"));
        await ProblemAssert.IsProblemAsync(await alice.GetAsync($"v1/jobs/{job.JobId}/receipt?kind=aggregated"), 409, "job_conflict");
    }

    [Theory]
    [InlineData("17")]
    [InlineData("-1")]
    [InlineData("\"2\"")]
    [InlineData("2.5")]
    public async Task A_bad_committee_size_is_a_typed_400(string value)
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var content = new StringContent($$"""{"program": "echo", "input_base64": "aGk=", "committee_size": {{value}}}""", Encoding.UTF8, "application/json");
        var problem = await ProblemAssert.IsProblemAsync(await alice.PostAsync("v1/jobs", content), 400, value is "17" or "-1" ? "invalid_request" : "invalid_json");
        Assert.Contains("committee_size", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registry_lists_every_worker_key_and_the_cli_writes_the_same_file()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var body = await alice.GetByteArrayAsync("v1/workers/registry");
        using (var document = JsonDocument.Parse(body))
        {
            Assert.Equal(["epoch", "workers"], document.RootElement.EnumerateObject().Select(p => p.Name));
            var first = document.RootElement.GetProperty("workers")[0];
            Assert.Equal(["worker_id", "public_key", "proof_of_possession"], first.EnumerateObject().Select(p => p.Name));
        }

        var registry = WorkerKeyRegistryJson.Parse(body);
        var workers = (await alice.GetFromJsonAsync<WorkerList>("v1/workers", MarketplaceJson.Options))!.Workers;
        Assert.Equal(workers.Select(w => w.WorkerId), registry.Workers.Select(w => w.WorkerId));
        Assert.Equal(workers.Select(w => w.BlsPublicKey), registry.Workers.Select(w => Convert.ToHexStringLower(w.PublicKey)));
        Assert.True(registry.Epoch >= registry.Workers.Count);

        var cli = new CliRunner().With("MARKETPLACE_URL", _silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var file = Path.Combine(_folder, "registry.json");
        var written = await cli.RunAsync("workers", "registry", "--out", file);
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains($"epoch {registry.Epoch}", written.Output, StringComparison.Ordinal);
        Assert.Equal(WorkerKeyRegistryJson.Serialize(registry), await File.ReadAllBytesAsync(file));
        var printed = await cli.RunAsync("workers", "registry");
        Assert.Equal(0, printed.ExitCode);
        Assert.Equal(registry.Epoch, WorkerKeyRegistryJson.Parse(Encoding.UTF8.GetBytes(printed.Output)).Epoch);
    }
}
