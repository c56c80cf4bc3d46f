using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>/v1/programs, /v1/jobs and /v1/workers end to end: real grains, the real wasm engine, the echo sample.</summary>
[Collection(ApiCollection.Name)]
public sealed class JobApiTests(ApiSiloFixture fixture)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Deploy_submit_and_read_the_output_over_http()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-http-" + Guid.NewGuid().ToString("N")[..8];
        var deployment = SamplePrograms.Echo(name);
        using var deployed = await PostJsonAsync(http, "v1/programs", deployment);
        Assert.True(deployed.StatusCode == HttpStatusCode.Created, await deployed.Content.ReadAsStringAsync());
        var program = (await deployed.Content.ReadFromJsonAsync<ProgramInfo>(MarketplaceJson.Options))!;
        Assert.Equal(SamplePrograms.ProgramIdOf(deployment), program.Id);
        Assert.Equal($"/v1/programs/{program.Id}", deployed.Headers.Location!.OriginalString);

        // Deploying the same thing again answers the same program.
        using var again = await PostJsonAsync(http, "v1/programs", deployment);
        Assert.Equal(program.Id, (await again.Content.ReadFromJsonAsync<ProgramInfo>(MarketplaceJson.Options))!.Id);

        Assert.Equal(program.Id, (await http.GetFromJsonAsync<ProgramInfo>($"v1/programs/{name}@1.0.0", MarketplaceJson.Options))!.Id);
        Assert.Equal(program.Id, (await http.GetFromJsonAsync<ProgramInfo>($"v1/programs/{name}@latest", MarketplaceJson.Options))!.Id);
        Assert.Equal(name, (await http.GetFromJsonAsync<ProgramInfo>($"v1/programs/{program.Id}", MarketplaceJson.Options))!.Manifest.Name);
        var catalog = (await http.GetFromJsonAsync<ProgramList>("v1/programs", MarketplaceJson.Options))!;
        Assert.Contains(catalog.Programs, p => p.Id == program.Id);

        // Inline input.
        var body = "{\"program\": \"" + name + "@1.0.0\", \"input_base64\": \"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("hello world")) + "\"}";
        using var submitted = await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = (await submitted.Content.ReadFromJsonAsync<JobInfo>(MarketplaceJson.Options))!;
        Assert.Equal("alice", job.ClientId);
        Assert.Equal(program.Id, job.ProgramId);
        Assert.Equal($"/v1/jobs/{job.JobId}", submitted.Headers.Location!.OriginalString);

        job = await WaitAsync(http, job.JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("HELLO WORLD", await http.GetStringAsync($"v1/jobs/{job.JobId}/output"));
        Assert.Equal("HELLO WORLD", await http.GetStringAsync($"v1/blobs/{job.OutputBlobId}"));
        var logs = (await http.GetFromJsonAsync<JobLogList>($"v1/jobs/{job.JobId}/logs", MarketplaceJson.Options))!;
        Assert.NotEmpty(logs.Logs);

        // Blob input.
        using var uploaded = await http.PostAsync("v1/blobs", new ByteArrayContent(Encoding.UTF8.GetBytes("from a blob")));
        var blob = (await uploaded.Content.ReadFromJsonAsync<BlobManifest>(MarketplaceJson.Options))!;
        var fromBlob = await SubmitAsync(http, new JobSubmission { Program = program.Id, InputBlobId = blob.Id });
        fromBlob = await WaitAsync(http, fromBlob.JobId);
        Assert.Equal("FROM A BLOB", await http.GetStringAsync($"v1/jobs/{fromBlob.JobId}/output"));

        // The caller's list, filtered.
        var completed = (await http.GetFromJsonAsync<JobList>("v1/jobs?status=completed&limit=1000", MarketplaceJson.Options))!;
        Assert.Contains(completed.Jobs, j => j.JobId == job.JobId);
        Assert.All(completed.Jobs, j => Assert.Equal(JobStatus.Completed, j.Status));

        // A finished job cannot be cancelled.
        await ProblemAssert.IsProblemAsync(await http.PostAsync($"v1/jobs/{job.JobId}/cancel", null), 409, "job_conflict");
    }

    [Fact]
    public async Task A_client_sees_and_cancels_only_its_own_jobs()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var name = "echo-owner-" + Guid.NewGuid().ToString("N")[..8];
        (await PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await SubmitAsync(alice, new JobSubmission { Program = name, InputInline = [1, 2, 3] });

        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{job.JobId}"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await bob.PostAsync($"v1/jobs/{job.JobId}/cancel", null), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{job.JobId}/logs"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{job.JobId}/output"), 403, "forbidden");
        var bobs = (await bob.GetFromJsonAsync<JobList>("v1/jobs", MarketplaceJson.Options))!;
        Assert.DoesNotContain(bobs.Jobs, j => j.JobId == job.JobId);
        Assert.Equal("alice", (await WaitAsync(alice, job.JobId)).ClientId);
    }

    [Fact]
    public async Task The_same_request_id_returns_the_same_job()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-idem-" + Guid.NewGuid().ToString("N")[..8];
        (await PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var requestId = "order-" + Guid.NewGuid().ToString("N");
        var first = await SubmitAsync(http, new JobSubmission { Program = name, RequestId = requestId, InputInline = [104, 105] });
        var second = await SubmitAsync(http, new JobSubmission { Program = name, RequestId = requestId, InputInline = [104, 105] });
        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(requestId, second.RequestId);
        Assert.Equal("HI", await http.GetStringAsync($"v1/jobs/{(await WaitAsync(http, first.JobId)).JobId}/output"));
    }

    [Fact]
    public async Task Program_and_job_errors_have_their_codes()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var unknown = await PostJsonAsync(http, "v1/jobs", new JobSubmission { Program = "no-such-program@9.9.9", InputInline = [1] });
        await ProblemAssert.IsProblemAsync(unknown, 404, "program_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync("v1/programs/no-such-program@1.0.0"), 404, "program_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync("v1/jobs/job" + new string('0', 32)), 404, "job_not_found");

        // A module that is not wasm, properly signed: the deploy checks reject it.
        var garbage = SamplePrograms.Echo("garbage", wasm: [1, 2, 3, 4]);
        await ProblemAssert.IsProblemAsync(await PostJsonAsync(http, "v1/programs", garbage), 422, "program_rejected");

        // A signature that does not match the module.
        var forged = SamplePrograms.Echo("forged");
        forged.Signature[5] ^= 0xff;
        await ProblemAssert.IsProblemAsync(await PostJsonAsync(http, "v1/programs", forged), 422, "program_rejected");

        // Both inputs at once.
        var name = "echo-both-" + Guid.NewGuid().ToString("N")[..8];
        (await PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var both = await PostJsonAsync(http, "v1/jobs", new JobSubmission { Program = name, InputInline = [1], InputBlobId = "blob" + new string('1', 64) });
        await ProblemAssert.IsProblemAsync(both, 400, "invalid_request");
    }

    [Fact]
    public async Task Workers_are_listed_and_found_and_the_silo_is_ready()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var workers = (await http.GetFromJsonAsync<WorkerList>("v1/workers", MarketplaceJson.Options))!;
        Assert.NotEmpty(workers.Workers);
        var first = workers.Workers[0];
        var one = (await http.GetFromJsonAsync<WorkerInfo>($"v1/workers/{first.WorkerId}", MarketplaceJson.Options))!;
        Assert.Equal(first.WorkerId, one.WorkerId);
        Assert.Contains("wasm", one.Capabilities.Runtimes);
        await ProblemAssert.IsProblemAsync(await http.GetAsync("v1/workers/no-such-worker"), 404, "worker_not_found");

        using var ready = await http.GetAsync("v1/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("ready", report.RootElement.GetProperty("status").GetString());
    }

    internal static async Task<HttpResponseMessage> PostJsonAsync<T>(HttpClient http, string path, T value) =>
        await http.PostAsync(path, new StringContent(JsonSerializer.Serialize(value, MarketplaceJson.Options), Encoding.UTF8, "application/json"));

    internal static async Task<JobInfo> SubmitAsync(HttpClient http, JobSubmission submission)
    {
        using var response = await PostJsonAsync(http, "v1/jobs", submission);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobInfo>(MarketplaceJson.Options))!;
    }

    internal static async Task<JobInfo> WaitAsync(HttpClient http, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = (await http.GetFromJsonAsync<JobInfo>($"v1/jobs/{jobId}", MarketplaceJson.Options))!;
            if (job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.TimedOut or JobStatus.Expired)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} still {job.Status} after 30 s");
            await Task.Delay(20);
        }
    }
}
