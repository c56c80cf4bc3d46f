using System.Text;
using System.Text.Json;
using Marketplace.Crypto.Bls;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>Runs every case file found under shared/crypto-vectors/bls, one fact per folder; prints the counts.</summary>
public abstract class BlsVectorSuite(ITestOutputHelper output)
{
    private static readonly byte[] QuuxDst = Encoding.ASCII.GetBytes("QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_");

    [Fact]
    public void Sign() => RunFolder("sign", (input, expected) =>
    {
        byte[] sk = PadLeft(Hex(input.GetProperty("privkey")), 32);
        byte[] message = Hex(input.GetProperty("message"));
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Throws<CryptoFormatException>(() => SecretKey.FromBytes(sk));
            return;
        }

        using var key = SecretKey.FromBytes(sk);
        var signature = Marketplace.Crypto.Bls.Bls.Sign(key, message);
        Assert.Equal(Convert.ToHexStringLower(Hex(expected)), Convert.ToHexStringLower(signature.ToBytes()));
        Assert.True(Marketplace.Crypto.Bls.Bls.Verify(key.PublicKey(), message, signature));
    });

    [Fact]
    public void Verify() => RunFolder("verify", (input, expected) =>
    {
        bool result = Marketplace.Crypto.Bls.Bls.Verify(
            Hex(input.GetProperty("pubkey")), Hex(input.GetProperty("message")), Hex(input.GetProperty("signature")));
        Assert.Equal(expected.GetBoolean(), result);
    });

    [Fact]
    public void Aggregate() => RunFolder("aggregate", (input, expected) =>
    {
        var signatures = input.EnumerateArray().Select(e => Signature.FromBytes(Hex(e))).ToList();
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Throws<ArgumentException>(() => Marketplace.Crypto.Bls.Bls.Aggregate(signatures));
            return;
        }

        var aggregate = Marketplace.Crypto.Bls.Bls.Aggregate(signatures);
        Assert.Equal(Convert.ToHexStringLower(Hex(expected)), Convert.ToHexStringLower(aggregate.ToBytes()));
    });

    [Fact]
    public void FastAggregateVerify() => RunFolder("fast_aggregate_verify", (input, expected) =>
    {
        bool result = TryKeys(input.GetProperty("pubkeys"), out var keys)
            && Signature.TryFromBytes(Hex(input.GetProperty("signature")), out var sig)
            && Marketplace.Crypto.Bls.Bls.FastAggregateVerify(keys, Hex(input.GetProperty("message")), sig!);
        Assert.Equal(expected.GetBoolean(), result);
    });

    [Fact]
    public void AggregateVerify() => RunFolder("aggregate_verify", (input, expected) =>
    {
        var messages = input.GetProperty("messages").EnumerateArray().Select(Hex).ToList();
        bool result = TryKeys(input.GetProperty("pubkeys"), out var keys)
            && Signature.TryFromBytes(Hex(input.GetProperty("signature")), out var sig)
            && Marketplace.Crypto.Bls.Bls.AggregateVerify(keys, messages, sig!);
        Assert.Equal(expected.GetBoolean(), result);
    });

    [Fact]
    public void BatchVerify() => RunFolder("batch_verify", (input, expected) =>
    {
        var messages = input.GetProperty("messages").EnumerateArray().Select(Hex).ToList();
        var sigBytes = input.GetProperty("signatures").EnumerateArray().Select(Hex).ToList();
        bool result = false;
        if (TryKeys(input.GetProperty("pubkeys"), out var keys))
        {
            var items = new List<(PublicKey, byte[], Signature)>();
            bool decoded = true;
            for (int i = 0; i < keys.Count && decoded; i++)
            {
                decoded = Signature.TryFromBytes(sigBytes[i], out var sig);
                if (decoded)
                {
                    items.Add((keys[i], messages[i], sig!));
                }
            }

            result = decoded && Marketplace.Crypto.Bls.Bls.BatchVerify(items);
        }

        Assert.Equal(expected.GetBoolean(), result);
    });

    [Fact]
    public void DeserializationG1() => RunFolder("deserialization_G1", (input, expected) =>
    {
        byte[] bytes = Hex(input.GetProperty("pubkey"));
        bool ok = Wire.TryDecodeG1(bytes, out string? error);
        Assert.True(expected.GetBoolean() == ok, $"expected {expected.GetBoolean()}, decoder said: {error ?? "ok"}");
    });

    [Fact]
    public void DeserializationG2() => RunFolder("deserialization_G2", (input, expected) =>
    {
        byte[] bytes = Hex(input.GetProperty("signature"));
        bool ok = Signature.TryFromBytes(bytes, out _);
        Assert.Equal(expected.GetBoolean(), ok);
    });

    [Fact]
    public void HashToG2() => RunFolder("hash_to_G2", (input, expected) =>
    {
        byte[] message = Encoding.UTF8.GetBytes(input.GetProperty("msg").GetString()!);
        var point = Marketplace.Crypto.Bls.Bls.HashToPoint(message, QuuxDst);
        point.ToAffine(out var x, out var y);
        Assert.Equal(expected.GetProperty("x").GetString(), Fp2Text(x));
        Assert.Equal(expected.GetProperty("y").GetString(), Fp2Text(y));
    });

    [Fact]
    public void KeyGenEip2333()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("crypto-vectors", "bls", "keygen_eip2333.json")));
        int count = 0;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            using var master = SecretKey.KeyGen(Hex(c.GetProperty("ikm_seed")));
            Assert.Equal(c.GetProperty("master_sk").GetString(), "0x" + Convert.ToHexStringLower(master.ToBytes()));
            Assert.Equal(c.GetProperty("master_pubkey").GetString(), "0x" + master.PublicKey());
            using var child = master.DeriveChild(c.GetProperty("child_index").GetUInt32());
            Assert.Equal(c.GetProperty("child_sk").GetString(), "0x" + Convert.ToHexStringLower(child.ToBytes()));
            count++;
        }

        output.WriteLine($"keygen_eip2333: {count} cases passed");
        Assert.True(count > 0, "no KeyGen cases found");
    }

    private void RunFolder(string folder, Action<JsonElement, JsonElement> check)
    {
        var files = Directory.GetFiles(SharedData.Path("crypto-vectors", "bls", folder), "*.json").Order().ToList();
        var failures = new List<string>();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            try
            {
                check(doc.RootElement.GetProperty("input"), doc.RootElement.GetProperty("output"));
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or CryptoFormatException or ArgumentException)
            {
                failures.Add($"{Path.GetFileName(file)}: {ex.Message}");
            }
        }

        output.WriteLine($"{folder}: {files.Count - failures.Count} of {files.Count} cases passed");
        Assert.True(files.Count > 0, $"no cases found in {folder}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static bool TryKeys(JsonElement array, out List<PublicKey> keys)
    {
        keys = [];
        foreach (var e in array.EnumerateArray())
        {
            if (!PublicKey.TryFromBytes(Hex(e), out var key))
            {
                return false;
            }

            keys.Add(key!);
        }

        return true;
    }

    internal static byte[] Hex(JsonElement e) => Hex(e.GetString()!);

    internal static byte[] Hex(string s) => Convert.FromHexString(s.StartsWith("0x", StringComparison.Ordinal) ? s[2..] : s);

    private static byte[] PadLeft(byte[] b, int size)
    {
        if (b.Length >= size)
        {
            return b;
        }

        var r = new byte[size];
        b.CopyTo(r, size - b.Length);
        return r;
    }

    private static string Fp2Text(Fp2 v) => $"0x{Convert.ToHexStringLower(Be(v.C0))},0x{Convert.ToHexStringLower(Be(v.C1))}";

    private static byte[] Be(Fp v)
    {
        var b = new byte[48];
        v.WriteBigEndian(b);
        return b;
    }
}

/// <summary>The suite on the field code this machine uses (the generated kernels where available).</summary>
public sealed class BlsVectorTests(ITestOutputHelper output) : BlsVectorSuite(output);

/// <summary>The suite again on the managed field code (the fallback where the kernels are unavailable).</summary>
[Collection(FieldBackendCollection.Name)]
public sealed class BlsVectorTestsOnManagedCode(ITestOutputHelper output) : BlsVectorSuite(output), IDisposable
{
    private readonly ManagedScope _scope = new();

    public void Dispose() => _scope.Dispose();
}
