using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Workers;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Scenario A8: a worker never signs two results for one job, across crashes; the sign-intent log's recovery.</summary>
public sealed class SignIntentLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sign-intents-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void AfterACrashBetweenIntentAndSignatureAnotherResultIsRefusedAndTheSameIsSigned()
    {
        var claimed = ReceiptSamples.Golden();
        var other = ReceiptSamples.Golden();
        other.OutputHash = ReceiptSamples.Filled(0x5a);

        // The intent reaches the disk, then the process dies before the signature is computed or sent.
        using (var log = SignIntentLog.Open(_folder, "w1"))
        {
            log.Record(claimed.JobId, ReceiptCodec.ResultDigest(claimed), ReceiptCodec.Hash(claimed));
        }

        using var key = ReceiptSamples.Key();
        using var signer = NewSigner(key);
        var refused = Assert.Throws<DoubleSignRefusedException>(() => signer.SignHash(other.JobId, ReceiptCodec.ResultDigest(other), ReceiptCodec.Hash(other)));
        Assert.Equal(claimed.JobId, refused.JobId);
        Assert.Contains(Convert.ToHexStringLower(ReceiptCodec.ResultDigest(claimed)), refused.Message, StringComparison.Ordinal);

        // The same result (here a later attempt of it, so another message hash) is the same claim: signed.
        var again = ReceiptSamples.Golden();
        again.Attempt = 5;
        var hash = ReceiptCodec.Hash(again);
        var signature = signer.SignHash(again.JobId, ReceiptCodec.ResultDigest(again), hash);
        Assert.True(Bls.Verify(Bls.SkToPk(key).ToBytes(), hash, signature));

        // Another job is unaffected.
        var otherJob = ReceiptSamples.Golden();
        otherJob.JobId = "job-other";
        Assert.Equal(96, signer.SignHash(otherJob.JobId, ReceiptCodec.ResultDigest(otherJob), ReceiptCodec.Hash(otherJob)).Length);
    }

    [Fact]
    public void ARefusalWithinOneRunRecordsNothingAndSignsNothing()
    {
        using var key = ReceiptSamples.Key();
        using var signer = NewSigner(key);
        var digestA = ReceiptSamples.Filled(1);
        var digestB = ReceiptSamples.Filled(2);
        signer.SignHash("job-1", digestA, ReceiptSamples.Filled(3));
        var size = new FileInfo(Path.Combine(_folder, "w1.intents")).Length;
        Assert.Throws<DoubleSignRefusedException>(() => signer.SignHash("job-1", digestB, ReceiptSamples.Filled(4)));
        signer.SignHash("job-1", digestA, ReceiptSamples.Filled(5));
        Assert.Equal(size, new FileInfo(Path.Combine(_folder, "w1.intents")).Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(107)]
    public void ATornLastRecordIsDroppedAndTheRestKept(int keptBytesOfLastRecord)
    {
        using (var log = SignIntentLog.Open(_folder, "w1"))
        {
            log.Record("job-1", ReceiptSamples.Filled(1), ReceiptSamples.Filled(9));
            log.Record("job-2", ReceiptSamples.Filled(2), ReceiptSamples.Filled(9));
        }

        // Cut the second record short, as a crash mid-append would (both records have the same size).
        var path = Path.Combine(_folder, "w1.intents");
        var full = File.ReadAllBytes(path);
        var recordSize = full.Length / 2;
        var kept = Math.Min(keptBytesOfLastRecord, recordSize - 1);
        File.WriteAllBytes(path, full[..(recordSize + kept)]);

        using (var log = SignIntentLog.Open(_folder, "w1"))
        {
            Assert.Equal(1, log.RecordsRead);
            Assert.Equal(kept, log.TornBytesDropped);
            Assert.Throws<DoubleSignRefusedException>(() => log.Record("job-1", ReceiptSamples.Filled(7), ReceiptSamples.Filled(9)));

            // job-2's intent never reached the disk whole: it was never signed, so it may be claimed afresh.
            log.Record("job-2", ReceiptSamples.Filled(3), ReceiptSamples.Filled(9));
        }

        using var reopened = SignIntentLog.Open(_folder, "w1");
        Assert.Equal(2, reopened.RecordsRead);
        Assert.Equal(0, reopened.TornBytesDropped);
        Assert.Throws<DoubleSignRefusedException>(() => reopened.Record("job-2", ReceiptSamples.Filled(2), ReceiptSamples.Filled(9)));
    }

    [Fact]
    public void ALastRecordWithABadChecksumOrZerosAfterACrashIsDropped()
    {
        using (var log = SignIntentLog.Open(_folder, "w1"))
        {
            log.Record("job-1", ReceiptSamples.Filled(1), ReceiptSamples.Filled(9));
            log.Record("job-2", ReceiptSamples.Filled(2), ReceiptSamples.Filled(9));
        }

        var path = Path.Combine(_folder, "w1.intents");
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0xff;
        File.WriteAllBytes(path, [.. bytes, .. new byte[200]]);
        using var reopened = SignIntentLog.Open(_folder, "w1");
        Assert.Equal(1, reopened.RecordsRead);
        Assert.Equal((bytes.Length / 2) + 200, reopened.TornBytesDropped);
    }

    [Fact]
    public void ADamagedRecordInTheMiddleStopsTheWorker()
    {
        using (var log = SignIntentLog.Open(_folder, "w1"))
        {
            log.Record("job-1", ReceiptSamples.Filled(1), ReceiptSamples.Filled(9));
            log.Record("job-2", ReceiptSamples.Filled(2), ReceiptSamples.Filled(9));
        }

        var path = Path.Combine(_folder, "w1.intents");
        var bytes = File.ReadAllBytes(path);
        bytes[10] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<SignIntentLogCorruptException>(() => SignIntentLog.Open(_folder, "w1"));
        Assert.Contains("damaged at byte 0", error.Message, StringComparison.Ordinal);

        // A damaged length in the middle is damage too, not a torn tail.
        bytes = File.ReadAllBytes(path);
        bytes[10] ^= 0x01;
        bytes[0] = 0x7f;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<SignIntentLogCorruptException>(() => SignIntentLog.Open(_folder, "w1"));
    }

    [Fact]
    public void JobsBeyondTheMemoryBoundAreStillRemembered()
    {
        using (var log = SignIntentLog.Open(_folder, "w1", maxIndexedJobs: 4))
        {
            for (var i = 0; i < 20; i++)
            {
                log.Record("job-" + i, ReceiptSamples.Filled((byte)i), ReceiptSamples.Filled(9));
            }

            // job-0 left the in-memory index long ago; the file still knows it.
            Assert.Throws<DoubleSignRefusedException>(() => log.Record("job-0", ReceiptSamples.Filled(0xee), ReceiptSamples.Filled(9)));
            log.Record("job-0", ReceiptSamples.Filled(0), ReceiptSamples.Filled(9));
            log.Record("job-new", ReceiptSamples.Filled(0xee), ReceiptSamples.Filled(9));
        }

        using var reopened = SignIntentLog.Open(_folder, "w1", maxIndexedJobs: 4);
        Assert.Equal(21, reopened.RecordsRead);
        Assert.Throws<DoubleSignRefusedException>(() => reopened.Record("job-3", ReceiptSamples.Filled(0xee), ReceiptSamples.Filled(9)));
    }

    private ReceiptSigner NewSigner(SecretKey key) =>
        new("w1", SecretKey.FromBytes(key.ToBytes()), TimeProvider.System, SignIntentLog.Open(_folder, "w1"));
}
