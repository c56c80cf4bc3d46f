using System.Security.Cryptography;
using System.Text;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>
/// The double-sign sample that lets a reader try <c>evidence</c> and <c>verify-evidence</c>
/// (docs/samples/double-sign): two receipts one made-up worker key signed for one job with different results. The
/// files are exactly what <see cref="Build"/> makes (BLS signatures are deterministic), so a change to the receipt
/// format that would leave them stale fails here; <c>MARKETPLACE_WRITE_SAMPLES=1</c> writes them again.
/// </summary>
public sealed class SampleEvidenceTests
{
    /// <summary>The seed of the sample key, public on purpose: no worker of any marketplace should hold this key.</summary>
    private const string KeySeed = "marketplace sample double-sign key: public, never a worker's";

    private static string Folder => Path.Combine(SharedData.RepositoryRoot, "docs", "samples", "double-sign");

    [Fact]
    public async Task The_shipped_samples_are_two_results_of_one_job_signed_by_the_sample_key()
    {
        var (first, second) = Build();
        if (Environment.GetEnvironmentVariable("MARKETPLACE_WRITE_SAMPLES") == "1")
        {
            Directory.CreateDirectory(Folder);
            await File.WriteAllBytesAsync(Path.Combine(Folder, "first.json"), first);
            await File.WriteAllBytesAsync(Path.Combine(Folder, "second.json"), second);
        }

        var shippedFirst = await File.ReadAllBytesAsync(Path.Combine(Folder, "first.json"));
        var shippedSecond = await File.ReadAllBytesAsync(Path.Combine(Folder, "second.json"));
        Assert.True(first.AsSpan().SequenceEqual(shippedFirst), "docs/samples/double-sign/first.json is stale; run this test with MARKETPLACE_WRITE_SAMPLES=1");
        Assert.True(second.AsSpan().SequenceEqual(shippedSecond), "docs/samples/double-sign/second.json is stale; run this test with MARKETPLACE_WRITE_SAMPLES=1");

        var evidence = DoubleSignEvidence.From(ReceiptJson.Parse(shippedFirst), ReceiptJson.Parse(shippedSecond));
        var check = DoubleSignEvidenceVerifier.Verify(evidence);
        Assert.True(check.IsValid, check.Detail);
        Assert.Equal(Bls.SkToPk(SampleKey()).ToBytes(), evidence.PublicKey);
    }

    private static (byte[] First, byte[] Second) Build()
    {
        var key = SampleKey();
        const string job = "job5a3b1e0c7d9f42a68e1b0c2d3e4f5a6b";
        const string program = "prog7c1e4b2a9d3f5e6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2";
        var first = TrustSamples.Receipt(job, program, "sample-w1", output: 0xa1, fuel: 41_250);
        var second = TrustSamples.Receipt(job, program, "sample-w1", output: 0xb2, fuel: 41_250);
        return (ReceiptJson.Serialize(TrustSamples.Signed(first, key)), ReceiptJson.Serialize(TrustSamples.Signed(second, key)));
    }

    private static SecretKey SampleKey() => Bls.KeyGen(SHA256.HashData(Encoding.UTF8.GetBytes(KeySeed)));
}
