using System.Text;
using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Jobs and blob ownership: a job's input must be readable by its client at submit, workers read it with the
/// silo's authority, and the output is stored for the job's client, who owns it.</summary>
public sealed class JobBlobOwnershipTests(ITestOutputHelper output)
{
    private const string Other = "client-b";

    [Fact]
    public async Task AJobNamingAnotherClientsInputIsRefusedAtSubmitAndLeavesNoJob()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var input = Encoding.UTF8.GetBytes($"input of {Other} {Guid.NewGuid():N}");
        var theirs = await BlobTransfer.StoreAsync(silo.Grains, BlobCaller.Client(Other), input, null, CancellationToken.None);
        var missing = "blob" + new string('e', 64);

        var refused = await Assert.ThrowsAsync<BlobNotFoundException>(() => silo.Grains.SubmitAsync(Job(quick, "theirs", theirs.Id)));
        var absent = await Assert.ThrowsAsync<BlobNotFoundException>(() => silo.Grains.SubmitAsync(Job(quick, "absent", missing)));
        Assert.Equal(absent.Message.Replace(missing, "ID", StringComparison.Ordinal), refused.Message.Replace(theirs.Id, "ID", StringComparison.Ordinal));

        // No job: not readable under its id, not in the client's list, nothing reserved against its quota.
        var jobId = JobIds.For(JobsKit.Client, "theirs");
        await Assert.ThrowsAsync<JobNotFoundException>(() => silo.Grains.GetGrain<IJobGrain>(jobId).GetAsync(JobsKit.Client));
        Assert.DoesNotContain((await silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client).ListAsync(null, null, 100)).Jobs, j => j.JobId == jobId);

        // Once the owner shares it, the same submit is accepted and the worker reads the input.
        await silo.Grains.GetGrain<IBlobGrain>(theirs.Id).ShareAsync(BlobCaller.Client(Other), JobsKit.Client);
        var job = await silo.Grains.SubmitAsync(Job(quick, "theirs", theirs.Id));
        Assert.Equal(jobId, job.JobId);
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(input, await ReadAsync(silo, BlobCaller.Client(JobsKit.Client), done.OutputBlobId!));
    }

    [Fact]
    public async Task AJobsOutputIsOwnedByItsClientAndNotReadableByAnother()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var input = new byte[3000];
        new Random(seed).NextBytes(input);

        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.InputInline = input));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));

        var blob = silo.Grains.GetGrain<IBlobGrain>(done.OutputBlobId!);
        Assert.Equal(input, await ReadAsync(silo, BlobCaller.Client(JobsKit.Client), done.OutputBlobId!));
        Assert.Null(await blob.GetManifestAsync(BlobCaller.Client(Other)));
        var access = await blob.GetAccessAsync(BlobCaller.Client(JobsKit.Client));
        Assert.Equal(1, access.OwnerCount);
        Assert.False(access.Public);
    }

    [Fact]
    public async Task AnOutputWhoseAccessListIsFullIsStoredWithoutRecordingItsClient()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1").Set("Marketplace:Blobs:MaxAccessListEntries", "1"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var bytes = Encoding.UTF8.GetBytes($"the same bytes {Guid.NewGuid():N}");
        var theirs = await BlobTransfer.StoreAsync(silo.Grains, BlobCaller.Client(Other), bytes, null, CancellationToken.None);

        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.InputInline = bytes));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);

        // The job does not fail for another client's blob: its output is the stored blob, and the job's client is not
        // recorded as an owner (it reads the output through its job).
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(theirs.Id, done.OutputBlobId);
        Assert.Null(await silo.Grains.GetGrain<IBlobGrain>(theirs.Id).GetManifestAsync(BlobCaller.Client(JobsKit.Client)));
        Assert.Equal(1, (await silo.Grains.GetGrain<IBlobGrain>(theirs.Id).GetAccessAsync(BlobCaller.Silo)).OwnerCount);
    }

    [Fact]
    public async Task AJobsOutputPastItsClientsQuotaFailsTheJobAndAnOutputThatFitsIsChargedToIt()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1").Set("Marketplace:Blobs:StoredBytesPerClient:" + JobsKit.Client, "1000"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var input = new byte[3000];
        new Random(seed).NextBytes(input);

        // The output is held in the client's quota before the run commits: 3,000 bytes do not fit 1,000.
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.InputInline = input));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Failed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(FailureReason.QuotaExceeded, done.FailureReason);
        Assert.Null(done.OutputBlobId);
        var storage = await silo.Grains.GetGrain<IClientStorageGrain>(JobsKit.Client).GetAsync();
        Assert.Equal((0L, 0, 1000L, 0L), (storage.StoredBytes, storage.BlobCount, storage.MaxStoredBytes, storage.UploadBytes));

        // One that fits is stored, owned and charged.
        var fits = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.InputInline = input[..1000]));
        var stored = await silo.Grains.WaitTerminalAsync(fits.JobId);
        Assert.True(stored.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(fits.JobId));
        var client = BlobCaller.Client(JobsKit.Client);
        Assert.Equal(input[..1000], await ReadAsync(silo, client, stored.OutputBlobId!));
        storage = await silo.Grains.GetGrain<IClientStorageGrain>(JobsKit.Client).GetAsync();
        Assert.Equal((1000L, 1, 0L), (storage.StoredBytes, storage.BlobCount, storage.UploadBytes));

        // Until it gives blobs up, the client's uploads are refused.
        await Assert.ThrowsAsync<QuotaExceededException>(() => BlobTransfer.StoreAsync(silo.Grains, client, new byte[] { 1, 2, 3 }, null, CancellationToken.None));
        await silo.Grains.GetGrain<IBlobGrain>(stored.OutputBlobId!).DeleteAsync(client);
        await BlobTransfer.StoreAsync(silo.Grains, client, new byte[] { 1, 2, 3 }, null, CancellationToken.None);
        Assert.Equal(3, (await silo.Grains.GetGrain<IClientStorageGrain>(JobsKit.Client).GetAsync()).StoredBytes);
    }

    private static JobSubmission Job(string program, string requestId, string inputBlobId) =>
        JobsKit.Job(program, s =>
        {
            s.RequestId = requestId;
            s.InputBlobId = inputBlobId;
        });

    private static async Task<byte[]> ReadAsync(MarketplaceTestSilo silo, BlobCaller caller, string blobId)
    {
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(silo.Grains, caller, blobId, target, 0, null, null, CancellationToken.None);
        return target.ToArray();
    }
}
