using System.Text;
using Marketplace.Api.Tests.Sdk;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>A program's state, one key at a time with its sparse Merkle proof: over HTTP and over grain calls.</summary>
public sealed class StateProofTests
{
    private static readonly byte[] PutAlpha = "{\"op\":\"put\",\"key\":\"alpha\",\"data_base64\":\"SGVsbG8sIEtWU1RPUkUh\"}"u8.ToArray();

    [Collection(ApiCollection.Name)]
    public sealed class OverHttp(ApiSiloFixture fixture)
    {
        [Fact]
        public async Task A_stored_key_and_a_missing_key_both_prove_against_the_jobs_state_root()
        {
            using var client = fixture.Silo.NewClient(ApiTestSilo.AliceKey);
            await CheckAsync(client);

            using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
            using var badHex = await http.GetAsync("v1/programs/anything/state/proof?key_hex=zz");
            await ProblemAssert.IsProblemAsync(badHex, 400, "invalid_request");
            using var neither = await http.GetAsync("v1/programs/anything/state/proof");
            await ProblemAssert.IsProblemAsync(neither, 400, "invalid_request");
            using var unknown = await http.GetAsync("v1/programs/missing-program-x/state/proof?key=a");
            await ProblemAssert.IsProblemAsync(unknown, 404, "program_not_found");
        }
    }

    [Collection(GatewayCollection.Name)]
    public sealed class OverGrainCalls(GatewaySiloFixture fixture)
    {
        [Fact]
        public async Task A_stored_key_and_a_missing_key_both_prove_against_the_jobs_state_root() =>
            await CheckAsync(await fixture.Silo.MarketplaceAsync());
    }

    private static async Task CheckAsync(IMarketplaceClient client)
    {
        var name = "kv-proof-" + Guid.NewGuid().ToString("N")[..8];
        var program = await client.DeployProgramAsync(SamplePrograms.Echo(name, wasm: SamplePrograms.KvStoreWasm));
        var job = await client.SubmitJobAsync(new JobSubmission { Program = program.Id, InputInline = PutAlpha });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (job.Status < JobStatus.Completed)
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {job.JobId} still {job.Status}");
            await Task.Delay(20);
            job = await client.GetJobAsync(job.JobId);
        }

        Assert.Equal(JobStatus.Completed, job.Status);
        var stored = await client.GetStateProofAsync(name + "@latest", Encoding.UTF8.GetBytes("alpha"));
        Assert.Equal("Hello, KVSTORE!", Encoding.UTF8.GetString(stored.Value!));
        var trustedRoot = Assert.IsType<string>(job.StateRoot);
        Assert.Equal(trustedRoot, stored.Root);
        Assert.True(StateProofs.Verify(stored, trustedRoot));

        var missing = await client.GetStateProofAsync(program.Id, Encoding.UTF8.GetBytes("beta"));
        Assert.Null(missing.Value);
        Assert.True(StateProofs.Verify(missing, trustedRoot));

        // A proof is bound to its value: claiming another value for the key fails verification.
        stored.Value = Encoding.UTF8.GetBytes("forged");
        Assert.False(StateProofs.Verify(stored, trustedRoot));
    }
}
