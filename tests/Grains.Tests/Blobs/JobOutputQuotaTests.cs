using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Tests.Samples;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Grains.Tests.Blobs.BlobTestData;

namespace Marketplace.Grains.Tests.Blobs;

/// <summary>A job's output counts in its client's stored-bytes quota before the run commits: an output that does not
/// fit ends the job <see cref="FailureReason.QuotaExceeded"/> with no state effect, and no sequence of uploads, deletes,
/// aborted uploads and jobs takes a client past its quota.</summary>
public sealed class JobOutputQuotaTests(ITestOutputHelper output)
{
    private const string Client = JobsKit.Client;

    [Fact]
    public async Task A_job_whose_output_does_not_fit_commits_nothing_and_fails_quota_exceeded_until_room_is_freed()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings()
            .Worker("q1", capacity: 1)
            .Set("Marketplace:Blobs:MaxStoredBytesPerClient", "1000"));
        var program = await DeployAsync(silo, "counter");
        var state = silo.Grains.GetGrain<IProgramStateGrain>(program);
        var seed = Seed();
        var filler = await BlobTransfer.StoreAsync(silo.Grains, BlobCaller.Client(Client), RandomBytes(seed, 1000), null, CancellationToken.None);

        // The counter's output ("1") is one byte; the client has none left.
        var refused = await RunAsync(silo, program, "tally"u8.ToArray());
        Assert.True(refused.Status == JobStatus.Failed, await silo.Grains.DescribeAsync(refused.JobId));
        Assert.Equal(FailureReason.QuotaExceeded, refused.FailureReason);
        Assert.Contains("does not fit", refused.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("limit of 1,000", refused.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(refused.OutputBlobId);
        Assert.Equal(0, (await state.GetSnapshotAsync()).Version);
        Assert.Equal((1000L, 1), await UsageAsync(silo));

        await silo.Grains.GetGrain<IBlobGrain>(filler.Id).DeleteAsync(BlobCaller.Client(Client));
        var done = await RunAsync(silo, program, "tally"u8.ToArray());
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(done.JobId));
        Assert.Equal(1, (await state.GetSnapshotAsync()).Version);
        Assert.Equal("1"u8.ToArray(), await ReadAsync(silo, done.OutputBlobId!));
        Assert.Equal((1L, 1), await UsageAsync(silo));
    }

    [Fact]
    public async Task No_sequence_of_uploads_deletes_aborted_uploads_and_jobs_takes_a_client_past_its_quota()
    {
        const long quota = 4096;
        const int maxBlobs = 6;
        await using var silo = await JobsKit.StartAsync(new JobsSettings()
            .Worker("q1", capacity: 2)
            .Set("Marketplace:Blobs:MaxStoredBytesPerClient", quota.ToString(CultureInfo.InvariantCulture))
            .Set("Marketplace:Blobs:MaxBlobsPerClient", maxBlobs.ToString(CultureInfo.InvariantCulture)));
        var program = await DeployAsync(silo, "echo");
        var seed = Seed();
        var random = new Random(seed);
        var owner = BlobCaller.Client(Client);
        var contents = new List<byte[]>();
        var owned = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);

        byte[] Content()
        {
            if (contents.Count > 0 && random.Next(4) == 0)
            {
                return contents[random.Next(contents.Count)]; // bytes seen before: owned already, or owned once more
            }

            var bytes = new byte[random.Next(1, 1500)];
            random.NextBytes(bytes);
            contents.Add(bytes);
            return bytes;
        }

        for (var step = 0; step < 80; step++)
        {
            var op = random.Next(10);
            string what;
            if (op < 3)
            {
                var content = Content();
                try
                {
                    var stored = await BlobTransfer.StoreAsync(silo.Grains, owner, content, null, CancellationToken.None);
                    owned.Add(stored.Id);
                    what = "upload stored";
                }
                catch (QuotaExceededException)
                {
                    what = "upload refused";
                }
            }
            else if (op < 5 && owned.Count > 0)
            {
                var id = owned.ElementAt(random.Next(owned.Count));
                await silo.Grains.GetGrain<IBlobGrain>(id).DeleteAsync(owner);
                owned.Remove(id);
                what = "delete";
            }
            else if (op < 6)
            {
                var content = Content();
                try
                {
                    await BlobTransfer.UploadAsync(silo.Grains, owner, new FailingStream(content, failAfter: content.Length / 2), null, null, CancellationToken.None);
                    what = "aborted upload stored";
                }
                catch (IOException)
                {
                    what = "upload aborted";
                }
                catch (QuotaExceededException)
                {
                    what = "aborted upload refused";
                }
            }
            else
            {
                var input = Content();
                var job = await RunAsync(silo, program, input);
                if (job.Status == JobStatus.Completed)
                {
                    Assert.Equal(Echoed(input), await ReadAsync(silo, job.OutputBlobId!));
                    owned.Add(job.OutputBlobId!);
                    what = "job completed";
                }
                else
                {
                    Assert.True(job.FailureReason == FailureReason.QuotaExceeded, await silo.Grains.DescribeAsync(job.JobId));
                    Assert.Null(job.OutputBlobId);
                    what = "job refused";
                }
            }

            counts[what] = counts.GetValueOrDefault(what) + 1;
            var usage = await silo.Grains.GetGrain<IClientStorageGrain>(Client).GetAsync();
            Assert.True(usage.StoredBytes <= quota, $"step {step} ({what}): {usage.StoredBytes} bytes stored past the quota of {quota} (seed {seed})");
            Assert.True(usage.BlobCount <= maxBlobs, $"step {step} ({what}): {usage.BlobCount} blobs past the limit of {maxBlobs} (seed {seed})");
            Assert.Equal(owned.Count, usage.BlobCount);
        }

        output.WriteLine(string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));
        Assert.True(counts.GetValueOrDefault("job completed") > 0 && counts.GetValueOrDefault("job refused") > 0,
            $"the sequence should both complete and refuse jobs (seed {seed}): {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
    }

    /// <summary>What the echo sample answers: the input with ASCII a-z uppercased.</summary>
    private static byte[] Echoed(byte[] input) => [.. input.Select(b => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b)];

    private static async Task<string> DeployAsync(MarketplaceTestSilo silo, string sample)
    {
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm(sample), new ProgramManifest { Name = sample, Version = "1.0.0" }, JobsKit.DeployerKey);
        return (await silo.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt)).DeployAsync(deployment, BlobCaller.Silo)).Id;
    }

    private static async Task<JobInfo> RunAsync(MarketplaceTestSilo silo, string program, byte[] input)
    {
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = input));
        return await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
    }

    private static async Task<byte[]> ReadAsync(MarketplaceTestSilo silo, string blobId)
    {
        var buffer = new MemoryStream();
        await BlobTransfer.DownloadAsync(silo.Grains, BlobCaller.Client(Client), blobId, buffer, 0, null, null, CancellationToken.None);
        return buffer.ToArray();
    }

    private static async Task<(long Bytes, int Blobs)> UsageAsync(MarketplaceTestSilo silo)
    {
        var usage = await silo.Grains.GetGrain<IClientStorageGrain>(Client).GetAsync();
        return (usage.StoredBytes, usage.BlobCount);
    }

    private int Seed()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        return seed;
    }
}
