using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary><see cref="HttpMarketplaceClient"/> through the whole marketplace: the interface's operations and the
/// typed errors of each.</summary>
[Collection(ApiCollection.Name)]
public sealed class SdkJobTests(ApiSiloFixture fixture)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Programs_and_jobs_round_trip_through_the_sdk()
    {
        using var alice = _silo.NewClient(ApiTestSilo.AliceKey);
        using var bob = _silo.NewClient(ApiTestSilo.BobKey);
        IMarketplaceClient client = alice;
        var name = "echo-sdk-" + Guid.NewGuid().ToString("N")[..8];

        var program = await client.DeployProgramAsync(SamplePrograms.Echo(name));
        Assert.Equal(program.Id, (await client.GetProgramAsync(name + "@latest")).Id);
        Assert.Contains(await client.ListAllProgramsAsync().ToListAsync(), p => p.Id == program.Id);
        await Assert.ThrowsAsync<ProgramRejectedException>(() => client.DeployProgramAsync(SamplePrograms.Echo("bad", wasm: [0, 1, 2])));
        await Assert.ThrowsAsync<ProgramNotFoundException>(() => client.GetProgramAsync("missing-" + name));

        var submitted = await client.SubmitJobAsync(new JobSubmission { ClientId = "mallory", Program = name, InputInline = Encoding.UTF8.GetBytes("hello world") });
        Assert.Equal("alice", submitted.ClientId);
        Assert.Equal("alice", client.ClientId);
        var job = await WaitAsync(client, submitted.JobId);
        Assert.Equal(JobStatus.Completed, job.Status);

        var output = new MemoryStream();
        await alice.DownloadJobOutputAsync(job.JobId, output);
        Assert.Equal("HELLO WORLD", Encoding.UTF8.GetString(output.ToArray()));
        var viaBlob = new MemoryStream();
        await client.DownloadBlobAsync(job.OutputBlobId!, viaBlob);
        Assert.Equal(output.ToArray(), viaBlob.ToArray());

        Assert.NotEmpty((await client.GetJobLogsAsync(job.JobId)).Items);
        Assert.Contains((await client.ListJobsAsync(JobStatus.Completed, 1000)).Items, j => j.JobId == job.JobId);
        await Assert.ThrowsAsync<JobConflictException>(() => client.CancelJobAsync(job.JobId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => bob.GetJobAsync(job.JobId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => bob.CancelJobAsync(job.JobId));
        await Assert.ThrowsAsync<JobNotFoundException>(() => client.GetJobAsync("job" + new string('f', 32)));

        var workers = (await client.ListWorkersAsync()).Items;
        Assert.NotEmpty(workers);
        Assert.Equal(workers[0].WorkerId, (await alice.GetWorkerAsync(workers[0].WorkerId)).WorkerId);
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => alice.GetWorkerAsync("nobody-" + name));
    }

    private static async Task<JobInfo> WaitAsync(IMarketplaceClient client, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await client.GetJobAsync(jobId);
            if (job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.TimedOut or JobStatus.Expired)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} still {job.Status} after 30 s");
            await Task.Delay(20);
        }
    }
}
