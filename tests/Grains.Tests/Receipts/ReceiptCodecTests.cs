using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>The receipt's canonical bytes: a golden vector laid out by hand, round trips, and everything Decode refuses.</summary>
public sealed class ReceiptCodecTests
{
    /// <summary>SHA-256 of the golden encoding, computed outside .NET from the README's layout table.</summary>
    private const string GoldenHash = "26c1bec3170d2c6c1e08bd2dc29a4070712a4b9c0e2434120eecd193bf86946a";

    /// <summary>The golden receipt's result digest, computed outside .NET from the layout; contracts/test/ReceiptCodec.t.sol
    /// checks the on-chain codec against the same two figures.</summary>
    private const string GoldenResultDigest = "d5f0254ea9cc2fcf3298969bba0807eba12940ee2248aa1c30b55996ad742c16";

    [Fact]
    public void TheGoldenReceiptEncodesToTheDocumentedLayout()
    {
        var expected = new List<byte>();
        expected.AddRange("marketplace/execution-receipt/v1"u8.ToArray());
        String(expected, "job-golden");
        expected.AddRange([0, 0, 0, 2]);
        String(expected, "prog-golden");
        expected.AddRange(ReceiptSamples.Filled(0x11));
        expected.Add(2); // wasi
        expected.AddRange(ReceiptSamples.Filled(0x22));
        expected.AddRange(ReceiptSamples.Filled(0x33));
        expected.AddRange(ReceiptSamples.Filled(0x44));
        expected.Add(1); // completed
        expected.AddRange(ReceiptSamples.Filled(0x55));
        expected.AddRange([0, 0, 0, 0, 0, 0, 0x01, 0x5f]); // 351
        expected.AddRange(ReceiptSamples.Filled(0x66));
        String(expected, "wasmtime");
        String(expected, "50.0.1");
        expected.AddRange(ReceiptSamples.Filled(0x77));
        String(expected, "w1");
        for (var shift = 56; shift >= 0; shift -= 8)
        {
            expected.Add((byte)(ReceiptSamples.GoldenTimestampMs >> shift));
        }

        var encoding = ReceiptCodec.Encode(ReceiptSamples.Golden());
        Assert.Equal(325, encoding.Length);
        Assert.Equal(Convert.ToHexStringLower([.. expected]), Convert.ToHexStringLower(encoding));
        Assert.Equal(GoldenHash, Convert.ToHexStringLower(SHA256.HashData([.. expected])));
        Assert.Equal(GoldenHash, Convert.ToHexStringLower(ReceiptCodec.Hash(ReceiptSamples.Golden())));
        Assert.Equal(GoldenResultDigest, Convert.ToHexStringLower(ReceiptCodec.ResultDigest(ReceiptSamples.Golden())));
    }

    [Fact]
    public void DecodeReturnsTheReceiptEncodeWasGiven()
    {
        var encoding = ReceiptCodec.Encode(ReceiptSamples.Golden());
        var decoded = ReceiptCodec.Decode(encoding);
        Assert.Equal(encoding, ReceiptCodec.Encode(decoded));
        Assert.Equal("job-golden", decoded.JobId);
        Assert.Equal(ReceiptAbi.Wasi, decoded.Abi);
        Assert.Equal(351, decoded.FuelConsumed);
        Assert.Equal(ReceiptSamples.Golden().Timestamp, decoded.Timestamp);
    }

    [Fact]
    public void DecodeRejectsEveryTruncation()
    {
        var encoding = ReceiptCodec.Encode(ReceiptSamples.Golden());
        for (var length = 0; length < encoding.Length; length++)
        {
            Assert.Throws<ReceiptFormatException>(() => ReceiptCodec.Decode(encoding.AsSpan(0, length)));
        }
    }

    [Fact]
    public void DecodeRejectsTrailingBytes()
    {
        byte[] encoding = [.. ReceiptCodec.Encode(ReceiptSamples.Golden()), 0];
        var error = Assert.Throws<ReceiptFormatException>(() => ReceiptCodec.Decode(encoding));
        Assert.Contains("1 bytes follow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeRejectsABadDomainTag()
    {
        var encoding = ReceiptCodec.Encode(ReceiptSamples.Golden());
        encoding[31] = (byte)'2'; // ".../v2"
        var error = Assert.Throws<ReceiptFormatException>(() => ReceiptCodec.Decode(encoding));
        Assert.Contains("domain tag", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeRejectsNonCanonicalValues()
    {
        var good = ReceiptCodec.Encode(ReceiptSamples.Golden());
        var abiAt = 32 + 2 + 10 + 4 + 2 + 11 + 32;
        var outcomeAt = abiAt + 1 + (3 * 32);

        Assert.Contains("abi", Refused(good, e => e[abiAt] = 3), StringComparison.Ordinal);
        Assert.Contains("outcome", Refused(good, e => e[outcomeAt] = 0), StringComparison.Ordinal);
        Assert.Contains("outcome", Refused(good, e => e[outcomeAt] = 5), StringComparison.Ordinal);
        Assert.Contains("attempt", Refused(good, e => e[32 + 2 + 10 + 3] = 0), StringComparison.Ordinal);
        Assert.Contains("job_id", Refused(good, e => e[33] = 0), StringComparison.Ordinal); // length 0: the rest misreads, but the length is refused first
        Assert.Contains("job_id", Refused(good, e => e[34] = 0xff), StringComparison.Ordinal); // invalid UTF-8
        Assert.Contains("fuel_consumed", Refused(good, e => e[outcomeAt + 1 + 32] = 0x80), StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeRefusesFieldsWithoutACanonicalEncoding()
    {
        Assert.Contains("timestamp", Invalid(r => r.Timestamp = r.Timestamp.AddTicks(1)), StringComparison.Ordinal);
        Assert.Contains("wasm_hash", Invalid(r => r.WasmHash = new byte[31]), StringComparison.Ordinal);
        Assert.Contains("worker_id", Invalid(r => r.WorkerId = ""), StringComparison.Ordinal);
        Assert.Contains("job_id", Invalid(r => r.JobId = new string('j', 257)), StringComparison.Ordinal);
        Assert.Contains("program_id", Invalid(r => r.ProgramId = "\ud800"), StringComparison.Ordinal);
        Assert.Contains("fuel_consumed", Invalid(r => r.FuelConsumed = -1), StringComparison.Ordinal);
        Assert.Contains("attempt", Invalid(r => r.Attempt = 0), StringComparison.Ordinal);
        Assert.Contains("abi", Invalid(r => r.Abi = (ReceiptAbi)9), StringComparison.Ordinal);
    }

    private static string Refused(byte[] good, Action<byte[]> damage)
    {
        var bad = (byte[])good.Clone();
        damage(bad);
        return Assert.Throws<ReceiptFormatException>(() => ReceiptCodec.Decode(bad)).Message;
    }

    private static string Invalid(Action<ExecutionReceipt> change)
    {
        var receipt = ReceiptSamples.Golden();
        change(receipt);
        return Assert.Throws<ReceiptFormatException>(() => ReceiptCodec.Encode(receipt)).Message;
    }

    private static void String(List<byte> bytes, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        bytes.Add((byte)(utf8.Length >> 8));
        bytes.Add((byte)utf8.Length);
        bytes.AddRange(utf8);
    }
}
