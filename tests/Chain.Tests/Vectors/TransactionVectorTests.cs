using System.Numerics;
using System.Text.Json;
using Marketplace.Chain.Transactions;
using Marketplace.Crypto.Ethereum;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Chain.Tests.Vectors;

/// <summary>Runs every case of tx_eip1559.json and tx_legacy_eip155.json: encoding, signing hash, signing, decoding, sender recovery.</summary>
public sealed class TransactionVectorTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryEip1559CasePasses()
    {
        using var document = EthVectors.Load("tx_eip1559.json");
        var cases = 0;
        foreach (var section in document.RootElement.EnumerateObject())
        {
            if (section.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var vector in section.Value.EnumerateArray())
            {
                if (vector.TryGetProperty("txbytes", out _))
                {
                    RunEthereumTestsCase(vector);
                }
                else
                {
                    RunFieldsCase(vector, BuildEip1559(vector.GetProperty("fields")));
                }

                cases++;
            }
        }

        output.WriteLine($"tx_eip1559.json: {cases} cases passed.");
        EthVectors.RequireCases("tx_eip1559.json", cases);
    }

    [Fact]
    public void EveryLegacyEip155CasePasses()
    {
        using var document = EthVectors.Load("tx_legacy_eip155.json");
        var cases = 0;
        foreach (var vector in document.RootElement.GetProperty("vectors").EnumerateArray())
        {
            var fields = vector.GetProperty("fields");
            var tx = new LegacyTransaction
            {
                ChainId = fields.Quantity("chainId"),
                Nonce = (ulong)fields.Quantity("nonce"),
                GasPrice = fields.Quantity("gasPrice"),
                GasLimit = (ulong)fields.Quantity("gasLimit"),
                To = fields.Text("to") is { } to ? Address.Parse(to) : null,
                Value = fields.Quantity("value"),
                Data = EthVectors.HexBytes(fields.Text("data") ?? "0x"),
            };
            AssertHex(vector.RequiredText("signing_payload"), tx.EncodeForSigning(), vector, "signing_payload");
            var signed = RunFieldsCase(vector, tx);

            // v: the serialized EIP-155 value; one upstream vector records only the recovery id there.
            var v = vector.GetProperty("v").GetInt32();
            var expectedV = v >= 35 ? v : v + 35 + (2 * (int)tx.ChainId!.Value);
            Assert.Equal(new BigInteger(expectedV), signed.V);
            cases++;
        }

        output.WriteLine($"tx_legacy_eip155.json: {cases} cases passed.");
        EthVectors.RequireCases("tx_legacy_eip155.json", cases);
    }

    private static Eip1559Transaction BuildEip1559(JsonElement fields)
    {
        var accessList = new List<AccessListEntry>();
        if (fields.TryGetProperty("accessList", out var list))
        {
            foreach (var entry in list.EnumerateArray())
            {
                var keys = entry.GetProperty("storageKeys").EnumerateArray().Select(k => Hash32.Parse(k.GetString()!)).ToArray();
                accessList.Add(new AccessListEntry(Address.Parse(entry.RequiredText("address")), keys));
            }
        }

        return new Eip1559Transaction
        {
            ChainId = fields.Quantity("chainId"),
            Nonce = (ulong)fields.Quantity("nonce"),
            MaxPriorityFeePerGas = fields.Quantity("maxPriorityFeePerGas"),
            MaxFeePerGas = fields.Quantity("maxFeePerGas"),
            GasLimit = (ulong)fields.Quantity("gasLimit"),
            To = fields.Text("to") is { } to ? Address.Parse(to) : null,
            Value = fields.Quantity("value"),
            Data = EthVectors.HexBytes(fields.Text("data") ?? "0x"),
            AccessList = accessList,
        };
    }

    /// <summary>Checks a vector with fields; signs when the key is known (byte-equal raw), decodes the raw either way.</summary>
    private static SignedTransaction RunFieldsCase(JsonElement vector, Transaction tx)
    {
        if (vector.Text("unsigned_serialized") is { } unsigned)
        {
            AssertHex(unsigned, tx.EncodeForSigning(), vector, "unsigned_serialized");
        }

        AssertHex(vector.RequiredText("signing_hash"), tx.SigningHash().ToArray(), vector, "signing_hash");
        var raw = EthVectors.HexBytes(vector.RequiredText("signed_raw"));
        if (vector.Text("privkey") is { } privateKey)
        {
            var ours = tx.Sign(Secp256k1PrivateKey.FromBytes(Convert.FromHexString(privateKey)));
            AssertHex(vector.RequiredText("signed_raw"), ours.Raw.ToArray(), vector, "signed_raw (signed here)");
            AssertHex(vector.RequiredText("tx_hash"), ours.Hash.ToArray(), vector, "tx_hash (signed here)");
        }

        var decoded = SignedTransaction.Decode(raw);
        Assert.True(decoded.Raw.SequenceEqual(raw));
        AssertHex(vector.RequiredText("tx_hash"), decoded.Hash.ToArray(), vector, "tx_hash");
        AssertHex(vector.RequiredText("r"), decoded.Signature.R.ToArray(), vector, "r");
        AssertHex(vector.RequiredText("s"), decoded.Signature.S.ToArray(), vector, "s");
        if (vector.TryGetProperty("yParity", out var yParity))
        {
            Assert.Equal(yParity.GetInt32(), decoded.Signature.RecoveryId);
        }

        Assert.Equal(tx.EncodeForSigning(), decoded.Transaction.EncodeForSigning());
        Assert.Equal(Address.Parse(vector.RequiredText("from")), decoded.RecoverSender());
        return decoded;
    }

    /// <summary>ethereum/tests cases: raw bytes and the London/Cancun verdict (a hash and sender, or an exception).</summary>
    private void RunEthereumTestsCase(JsonElement vector)
    {
        var raw = EthVectors.HexBytes(vector.RequiredText("txbytes"));
        foreach (var fork in new[] { "expected_London", "expected_Cancun" })
        {
            var expected = vector.GetProperty(fork);
            if (expected.Text("exception") is { } exception)
            {
                var error = Record.Exception(() => SignedTransaction.Decode(raw).Transaction.Validate());
                Assert.True(
                    error is ChainFormatException or InvalidTransactionException,
                    $"{vector.Name()} ({fork}) must be rejected ({exception}); got {error?.GetType().Name ?? "no error"}.");
                output.WriteLine($"{vector.Name()} {fork}: rejected as expected ({exception}): {error!.Message}");
            }
            else
            {
                var decoded = SignedTransaction.Decode(raw);
                decoded.Transaction.Validate();
                AssertHex(expected.RequiredText("hash"), decoded.Hash.ToArray(), vector, fork + " hash");
                Assert.Equal(Address.Parse(expected.RequiredText("sender")), decoded.RecoverSender());
            }
        }
    }

    private static void AssertHex(string expected, byte[] actual, JsonElement vector, string what) =>
        Assert.True(
            EthVectors.HexBytes(expected).AsSpan().SequenceEqual(actual),
            $"{vector.Name()}: {what} differs: expected {expected}, got 0x{Convert.ToHexStringLower(actual)}.");
}
