using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary><c>GET /v1/jobs/{id}/receipt</c> and the sdk's <see cref="IMarketplaceClient.GetJobReceiptAsync"/>: the
/// owner gets the signed receipt, another client 403, a job without one 409.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReceiptApiTests(ApiSiloFixture fixture)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task The_owner_gets_a_signed_receipt_that_verifies_with_the_workers_published_key()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var name = "echo-receipt-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes("hello world") })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);

        using var response = await alice.GetAsync($"v1/jobs/{job.JobId}/receipt");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadAsStringAsync();
        using (var document = JsonDocument.Parse(body))
        {
            var root = document.RootElement;
            Assert.Equal(job.ReceiptHash, root.GetProperty("receipt_hash").GetString());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("HELLO WORLD"u8)), root.GetProperty("receipt").GetProperty("output_hash").GetString());
            Assert.Equal(job.FuelConsumed, root.GetProperty("receipt").GetProperty("fuel_consumed").GetInt64());
            Assert.Equal(96 * 2, root.GetProperty("signature").GetString()!.Length);
        }

        // The answer is a receipt file as it stands, and checks offline against the key the worker published.
        var signed = ReceiptJson.Parse(Encoding.UTF8.GetBytes(body));
        var worker = (await alice.GetFromJsonAsync<WorkerInfo>($"v1/workers/{signed.Receipt.WorkerId}", MarketplaceJson.Options))!;
        Assert.Equal(worker.BlsPublicKey, Convert.ToHexStringLower(signed.WorkerPublicKey));
        var check = ReceiptVerifier.VerifySigned(signed, Convert.FromHexString(worker.BlsPublicKey));
        Assert.True(check.IsValid, check.Detail);

        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{job.JobId}/receipt"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/jobs/job" + new string('0', 32) + "/receipt"), 404, "job_not_found");

        // The sdk reads the same receipt.
        using var client = _silo.NewClient(ApiTestSilo.AliceKey);
        var viaSdk = await client.GetJobReceiptAsync(job.JobId);
        Assert.Equal(signed.ReceiptHash, viaSdk.ReceiptHash);
        Assert.Equal(ReceiptJson.Serialize(signed), ReceiptJson.Serialize(viaSdk));
        using var bobClient = _silo.NewClient(ApiTestSilo.BobKey);
        await Assert.ThrowsAsync<AccessDeniedException>(() => bobClient.GetJobReceiptAsync(job.JobId));
    }

    [Fact]
    public async Task A_job_that_never_ran_has_no_receipt_and_answers_409()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-no-receipt-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.SubmitAsync(alice, new JobSubmission
        {
            Program = name,
            InputInline = [1],
            MaxRetries = 0,
            Constraints = new Dictionary<string, string> { ["region"] = "nowhere" },
        });

        // Pending or already failed for want of a worker: either way there is no receipt.
        await ProblemAssert.IsProblemAsync(await alice.GetAsync($"v1/jobs/{job.JobId}/receipt"), 409, "job_conflict");
        var done = await JobApiTests.WaitAsync(alice, job.JobId);
        Assert.Null(done.ReceiptHash);
        await ProblemAssert.IsProblemAsync(await alice.GetAsync($"v1/jobs/{job.JobId}/receipt"), 409, "job_conflict");
        using var client = _silo.NewClient(ApiTestSilo.AliceKey);
        var error = await Assert.ThrowsAsync<JobConflictException>(() => client.GetJobReceiptAsync(job.JobId));
        Assert.Contains("has no receipt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_terms_are_refused_with_a_typed_problem_off_the_chain_for_another_client_and_for_bad_ids()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var name = "echo-terms-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name, InputInline = [7] })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);

        // This silo settles in the embedded ledger: there is nothing to sign for a chain, and it says so.
        using var offChain = await alice.GetAsync($"v1/jobs/{job.JobId}/chain-terms");
        await ProblemAssert.IsProblemAsync(offChain, 409, "job_conflict");
        using var client = _silo.NewClient(ApiTestSilo.AliceKey);
        var error = await Assert.ThrowsAsync<JobConflictException>(() => client.GetJobChainTermsAsync(job.JobId));
        Assert.Contains("not", error.Message, StringComparison.Ordinal);

        // Another client's job, a job that does not exist, an id that is not a job id: typed, never a 500.
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{job.JobId}/chain-terms"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync("v1/jobs/job" + new string('0', 32) + "/chain-terms"), 404, "job_not_found");
        using var junk = await alice.GetAsync("v1/jobs/%E2%80%AE..%2F/chain-terms");
        Assert.True((int)junk.StatusCode is 400 or 404, $"{(int)junk.StatusCode}: {await junk.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", junk.Content.Headers.ContentType?.MediaType);
        using var anonymous = _silo.NewHttpClient(null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"v1/jobs/{job.JobId}/chain-terms")).StatusCode);
    }
}
