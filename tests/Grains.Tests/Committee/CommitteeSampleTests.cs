using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Committee;

/// <summary>Committees on a sample of runs: which runs is recomputable from the receipt hash and the salt the job
/// committed to at submit; a job that names its committee size is checked on every run.</summary>
public sealed class CommitteeSampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SampledRunsAreReExecutedAndTheOthersSaySoAndTheDrawIsRecomputableFromTheCommittedSalt()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, s => s.Set("Marketplace:Jobs:CommitteeSampleEvery", "2"), null, "w1", "w2", "w3");
        var program = await CommitteeKit.DeployEchoAsync(silo);
        // One job at a time: a burst would fill the members' fair share of their queues and leave runs unverified for
        // a reason this test is not about.
        const int Jobs = 24;
        var sampled = 0;
        for (var i = 0; i < Jobs; i++)
        {
            var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "s" + i; s.InputInline = Encoding.UTF8.GetBytes("run " + i); }));
            var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
            var describe = await silo.Grains.DescribeAsync(job.JobId);
            Assert.True(done.Status == JobStatus.Completed, describe);
            var verification = done.Verification!;
            Assert.Equal((2, 2), (verification.SampleEvery, verification.CommitteeSize));

            // The salt shown now is the one committed to in the submit line of the log.
            var salt = Convert.FromHexString(verification.SampleSalt!);
            var logs = await silo.Grains.LogsAsync(job.JobId);
            Assert.Contains(logs, l => l.Message.StartsWith("submitted: ", StringComparison.Ordinal)
                && l.Message.Contains("on 1 in 2 runs, sample salt commitment " + Convert.ToHexStringLower(SHA256.HashData(salt)), StringComparison.Ordinal));

            // Anyone recomputes the draw from the receipt hash and the salt, by the published rule.
            var receipt = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client);
            var draw = SHA256.HashData([.. "marketplace/committee-sample/v1"u8, .. receipt.ReceiptHash, .. salt]);
            var expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(draw) % 2 == 0;
            Assert.Equal(expected, verification.Sampled);
            Assert.Equal(expected, CommitteeSample.IsSampled(receipt.ReceiptHash, salt, 2));
            var aggregated = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAggregatedReceiptAsync(JobsKit.Client);
            if (expected)
            {
                sampled++;
                Assert.True(verification.State == VerificationState.Verified, describe);
                Assert.True(aggregated is not null && CommitteeKit.Verifies(aggregated), describe);
            }
            else
            {
                Assert.True(verification.State == VerificationState.Unverified, describe);
                Assert.Null(aggregated);
                Assert.StartsWith("not drawn for re-execution: a committee checks 1 in 2 runs", verification.Note, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"{sampled} of {Jobs} runs drawn at 1 in 2");
        // Both outcomes occur: the chance that 24 fair draws all fall one way is 2 in 16.7 million.
        Assert.InRange(sampled, 1, Jobs - 1);
    }

    [Fact]
    public async Task AJobThatNamesItsCommitteeSizeIsReExecutedWhateverTheSampleRate()
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, s => s.Set("Marketplace:Jobs:CommitteeSampleEvery", "1000000"), null, "w1", "w2", "w3");
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var named = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "named"; s.InputInline = "named"u8.ToArray(); s.CommitteeSize = 1; }));
        var done = await silo.Grains.WaitTerminalAsync(named.JobId, TimeSpan.FromSeconds(60));
        Assert.True(done.Verification!.State == VerificationState.Verified, await silo.Grains.DescribeAsync(named.JobId));
        Assert.Equal((1, true, null), (done.Verification.SampleEvery, done.Verification.Sampled, done.Verification.SampleSalt));

        // The same job without a size is, at 1 in a million, passed over.
        var unnamed = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "unnamed"; s.InputInline = "unnamed"u8.ToArray(); }));
        var passed = await silo.Grains.WaitTerminalAsync(unnamed.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal((VerificationState.Unverified, 1_000_000, false), (passed.Verification!.State, passed.Verification.SampleEvery, passed.Verification.Sampled));
    }

    [Fact]
    public void ARateOfOneSamplesEveryRunAndBadLengthsAreRefused()
    {
        var seed = 20261125;
        var random = new Random(seed);
        var hash = new byte[ReceiptCodec.HashBytes];
        var salt = new byte[CommitteeSample.SaltBytes];
        var hits = 0;
        for (var i = 0; i < 4096; i++)
        {
            random.NextBytes(hash);
            random.NextBytes(salt);
            Assert.True(CommitteeSample.IsSampled(hash, salt, 1));
            hits += CommitteeSample.IsSampled(hash, salt, 16) ? 1 : 0;
        }

        // 4,096 draws at 1 in 16: 256 expected, standard deviation 15.5; the band is over six of them wide each way.
        Assert.True(hits is > 160 and < 352, $"{hits} of 4096 sampled at 1 in 16 (seed {seed})");
        Assert.Throws<ArgumentException>(() => CommitteeSample.IsSampled(new byte[31], salt, 16));
        Assert.Throws<ArgumentException>(() => CommitteeSample.IsSampled(hash, new byte[16], 16));
    }
}
