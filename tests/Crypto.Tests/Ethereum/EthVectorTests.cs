using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Crypto.Ethereum;
using Org.BouncyCastle.Crypto.Digests;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Ethereum;

/// <summary>
/// Runs every case of every Ethereum vector file present (keccak256.json, secp256k1.json, eip55_addresses.json).
/// Cases are dispatched on the fields they carry, not on a fixed list, and every case must trigger a check.
/// </summary>
public sealed class EthVectorTests(ITestOutputHelper output)
{
    public static TheoryData<string> PresentFiles() => EthVectorFiles.Present();

    [Theory]
    [MemberData(nameof(PresentFiles))]
    public void EveryCaseOfTheFilePasses(string file)
    {
        using var document = EthVectorFiles.Load(file);
        var root = document.RootElement;
        var cases = 0;
        var checks = 0;
        foreach (var (section, item) in EthVectorFiles.ArraySections(root))
        {
            var ran = file switch
            {
                "keccak256.json" => RunKeccakCase(item),
                "secp256k1.json" => RunSecp256k1Case(item),
                "eip55_addresses.json" => RunAddressCase(item),
                _ => throw new InvalidOperationException($"No runner for {file}."),
            };
            Assert.True(ran > 0, $"{file} {section}/{item.Name()}: no check applies to this case.");
            cases++;
            checks += ran;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object &&
                property.Value.TryGetProperty("cases", out var nested) && nested.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in nested.EnumerateArray())
                {
                    var ran = RunKeccakCase(item);
                    Assert.True(ran > 0, $"{file} {property.Name}: no check applies to {item.GetRawText()}.");
                    cases++;
                    checks += ran;
                }
            }
        }

        checks += CheckCurveConstants(root);
        output.WriteLine($"{file}: {cases} cases, {checks} checks passed.");
        Assert.True(cases > 0, $"{file} holds no cases.");
    }

    private static int RunKeccakCase(JsonElement item)
    {
        var input = item.Hex("input_hex") ?? throw new InvalidDataException($"Keccak case without input_hex: {item.Name()}");
        var checks = 0;
        var utf8 = item.Text("input_utf8");
        if (utf8 is not null)
        {
            Assert.Equal(input, Encoding.UTF8.GetBytes(utf8));
        }

        var expected = item.Hex("output") ?? item.Hex("keccak256");
        if (expected is not null)
        {
            Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(Keccak256.Hash(input)));
            Span<byte> into = stackalloc byte[Keccak256.HashSize];
            Keccak256.Hash(input, into);
            Assert.True(into.SequenceEqual(expected));
            checks++;
        }

        var sha3 = item.Hex("sha3_256");
        if (sha3 is not null)
        {
            // The FIPS column must differ from ours and match a FIPS SHA3-256 implementation.
            Assert.NotEqual(sha3, Keccak256.Hash(input));
            var fips = new Sha3Digest(256);
            fips.BlockUpdate(input, 0, input.Length);
            var fipsDigest = new byte[32];
            fips.DoFinal(fipsDigest, 0);
            Assert.Equal(sha3, fipsDigest);
            checks++;
        }

        return checks;
    }

    private static int RunSecp256k1Case(JsonElement item)
    {
        var name = item.Name();
        var checks = 0;
        var hash = item.Hex("msg_hash") ?? item.Hex("msg_hash_keccak256") ?? item.Hex("msg_hash_sha256");
        var message = item.Text("message_utf8");
        if (message is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(message);
            if (item.Hex("msg_hash_sha256") is { } sha256)
            {
                Assert.Equal(sha256, SHA256.HashData(bytes));
                checks++;
            }

            if (item.Hex("msg_hash_keccak256") is { } keccak)
            {
                Assert.Equal(keccak, Keccak256.Hash(bytes));
                checks++;
            }

            if (item.Hex("msg_hash") is { } personal)
            {
                // A plain msg_hash next to a message is the EIP-191 personal_sign hash.
                var prefixed = Encoding.UTF8.GetBytes($"\u0019Ethereum Signed Message:\n{bytes.Length}").Concat(bytes).ToArray();
                if (item.Hex("eip191_prefixed_hex") is { } expectedPrefixed)
                {
                    Assert.Equal(expectedPrefixed, prefixed);
                }

                Assert.Equal(personal, Keccak256.Hash(prefixed));
                checks++;
            }
        }

        var r = item.Hex("r");
        var s = item.Hex("s");
        var recoveryId = item.Integer("recovery_id");

        if (item.Text("expected_recover") == "error")
        {
            Assert.NotNull(hash);
            var error = Assert.Throws<CryptoFormatException>(() =>
                Secp256k1PublicKey.Recover(hash, EcdsaSignature.FromComponents(r, s, recoveryId ?? 0)));
            Assert.False(string.IsNullOrWhiteSpace(error.Message), name);
            return checks + 1;
        }

        if (item.Boolean("expected_valid_for_ethereum_tx") == false)
        {
            Assert.NotNull(r);
            Assert.NotNull(s);
            var error = Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromComponents(r, s, recoveryId ?? 0));
            Assert.Contains("s", error.Message, StringComparison.Ordinal);
            var normalized = EcdsaSignature.FromComponents(r, s, recoveryId ?? 0, normalizeHighS: true);
            var expectedS = Secp256k1Curve.N.Subtract(new Org.BouncyCastle.Math.BigInteger(1, s));
            Assert.Equal(Pad32(expectedS.ToByteArrayUnsigned()), normalized.S.ToArray());
            Assert.True(new Org.BouncyCastle.Math.BigInteger(1, normalized.S.ToArray()).CompareTo(Secp256k1Curve.HalfN) <= 0);
            Assert.Equal((recoveryId ?? 0) ^ 1, normalized.RecoveryId);
            return checks + 1;
        }

        Secp256k1PrivateKey? key = null;
        if (item.Hex("privkey") is { } privateBytes)
        {
            key = Secp256k1PrivateKey.FromBytes(privateBytes);
            Assert.Equal(privateBytes, key.ToBytes());
            checks += CheckPublicKeyFields(item, key.PublicKey);
        }

        if (key is not null && hash is not null && r is not null && s is not null)
        {
            var signature = key.Sign(hash);
            Assert.Equal(Convert.ToHexStringLower(Pad32(r)), Convert.ToHexStringLower(signature.R));
            Assert.Equal(Convert.ToHexStringLower(Pad32(s)), Convert.ToHexStringLower(signature.S));
            if (recoveryId is not null)
            {
                Assert.Equal(recoveryId, signature.RecoveryId);
            }

            Assert.Equal(signature, key.Sign(hash));
            Assert.Equal(signature, EcdsaSignature.FromBytes(signature.ToBytes()));
            checks++;

            if (item.Hex("expected_nonce_k") is { } k)
            {
                Assert.Equal(Convert.ToHexStringLower(Pad32(k)), Convert.ToHexStringLower(key.FirstNonce(hash)));
                checks++;
            }

            if (item.Integer("v") is { } v)
            {
                Assert.Equal(v, signature.ToBytes(legacyV: true)[64]);
                checks++;
            }

            if (item.Integer("v_eip155_chain1") is { } v155)
            {
                Assert.Equal(v155, signature.RecoveryId + 35 + (2 * 1));
                checks++;
            }

            if (item.Hex("signature_65") is { } encoded)
            {
                Assert.Equal(encoded, signature.ToBytes(legacyV: encoded[64] >= 27));
                Assert.Equal(signature, EcdsaSignature.FromBytes(encoded));
                checks++;
            }
        }

        if (hash is not null && r is not null && s is not null && recoveryId is not null)
        {
            var signature = EcdsaSignature.FromComponents(r, s, recoveryId.Value);
            var recovered = Secp256k1PublicKey.Recover(hash, signature);
            Assert.True(recovered.Verify(hash, signature), name);
            if (key is not null)
            {
                Assert.Equal(key.PublicKey, recovered);
            }

            checks += CheckPublicKeyFields(item, recovered);
            checks++;
        }

        return checks;
    }

    private static int CheckPublicKeyFields(JsonElement item, Secp256k1PublicKey publicKey)
    {
        var checks = 0;
        if (item.Hex("pubkey_uncompressed_65") is { } uncompressed)
        {
            Assert.Equal(Convert.ToHexStringLower(uncompressed), Convert.ToHexStringLower(publicKey.ToBytes()));
            Assert.Equal(publicKey, Secp256k1PublicKey.Parse(uncompressed));
            checks++;
        }

        if (item.Hex("pubkey_compressed_33") is { } compressed)
        {
            Assert.Equal(Convert.ToHexStringLower(compressed), Convert.ToHexStringLower(publicKey.ToBytes(compressed: true)));
            Assert.Equal(publicKey, Secp256k1PublicKey.Parse(compressed));
            checks++;
        }

        if (item.Hex("pubkey_uncompressed_64") is { } coordinates)
        {
            Assert.Equal(Convert.ToHexStringLower(coordinates), Convert.ToHexStringLower(publicKey.ToBytes()[1..]));
            if (item.Hex("keccak_of_pubkey") is { } keccak)
            {
                Assert.Equal(keccak, Keccak256.Hash(coordinates));
            }

            checks++;
        }

        if (item.Text("address") is { } address)
        {
            Assert.Equal(address, Address.FromPublicKey(publicKey).ToChecksumString());
            Assert.Equal(Address.Parse(address), Address.FromPublicKey(publicKey));
            checks++;
        }

        return checks;
    }

    private static int RunAddressCase(JsonElement item)
    {
        var checks = 0;
        if (item.Text("checksummed") is { } checksummed)
        {
            var address = Address.Parse(checksummed);
            Assert.Equal(checksummed, address.ToChecksumString());
            if (item.Text("lowercase") is { } lower)
            {
                Assert.Equal(lower, lower.ToLowerInvariant());
                Assert.Equal(address, Address.Parse(lower));
                Assert.Equal(checksummed, Address.Parse(lower).ToChecksumString());
            }

            Assert.Equal(address, Address.Parse("0x" + checksummed[2..].ToUpperInvariant()));
            checks++;
        }

        if (item.Boolean("expected_valid") is { } valid && item.Text("input") is { } input)
        {
            if (valid)
            {
                Assert.Equal(input, Address.Parse(input).ToChecksumString());
            }
            else
            {
                var error = Assert.Throws<CryptoFormatException>(() => Address.Parse(input));
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }

            checks++;
        }

        if (item.Hex("privkey") is { } privateBytes)
        {
            checks += CheckPublicKeyFields(item, Secp256k1PrivateKey.FromBytes(privateBytes).PublicKey);
        }

        return checks;
    }

    private static int CheckCurveConstants(JsonElement root)
    {
        var checks = 0;
        if (root.Hex("curve_order_n") is { } n)
        {
            Assert.Equal(n, Secp256k1Curve.N.ToByteArrayUnsigned());
            checks++;
        }

        if (root.Hex("half_n") is { } halfN)
        {
            Assert.Equal(halfN, Secp256k1Curve.HalfN.ToByteArrayUnsigned());
            checks++;
        }

        return checks;
    }

    private static byte[] Pad32(byte[] value)
    {
        var padded = new byte[32];
        value.CopyTo(padded, 32 - value.Length);
        return padded;
    }
}
