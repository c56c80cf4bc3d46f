using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Offline checks of a signed receipt: every changed field, a wrong key, malformed keys and signatures.</summary>
public sealed class ReceiptVerifierTests
{
    /// <summary>One change per receipt field (each to a value that still encodes).</summary>
    public static TheoryData<string> Fields() =>
    [
        "job_id", "attempt", "program_id", "wasm_hash", "abi", "input_hash", "invocation_hash", "state_root_in", "outcome",
        "output_hash", "fuel_consumed", "state_root_out", "engine_name", "engine_version", "engine_config_digest",
        "worker_id", "timestamp",
    ];

    [Fact]
    public void ASignedReceiptVerifiesWithItsKey()
    {
        using var key = ReceiptSamples.Key();
        var signed = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        Assert.True(ReceiptVerifier.VerifySigned(signed).IsValid);
        Assert.True(ReceiptVerifier.VerifySigned(signed, Bls.SkToPk(key).ToBytes()).IsValid);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void AChangedFieldFailsVerification(string field)
    {
        using var key = ReceiptSamples.Key();
        var signed = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        Tamper(signed.Receipt, field);

        // The stated hash no longer matches the fields.
        Assert.Equal(ReceiptVerificationFailure.HashMismatch, ReceiptVerifier.VerifySigned(signed).Failure);

        // Restating the hash does not help: the worker never signed it.
        signed.ReceiptHash = ReceiptCodec.Hash(signed.Receipt);
        Assert.Equal(ReceiptVerificationFailure.BadSignature, ReceiptVerifier.VerifySigned(signed).Failure);
    }

    [Fact]
    public void AnotherKeyFailsVerification()
    {
        using var key = ReceiptSamples.Key();
        using var other = ReceiptSamples.Key(8);
        var signed = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        var otherKey = Bls.SkToPk(other).ToBytes();

        Assert.Equal(ReceiptVerificationFailure.WrongKey, ReceiptVerifier.VerifySigned(signed, otherKey).Failure);
        signed.WorkerPublicKey = otherKey;
        var result = ReceiptVerifier.VerifySigned(signed);
        Assert.Equal(ReceiptVerificationFailure.BadSignature, result.Failure);
        Assert.Contains("does not verify", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedKeysSignaturesAndKindsAreNamed()
    {
        using var key = ReceiptSamples.Key();
        var good = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);

        var badKey = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        badKey.WorkerPublicKey = new byte[48];
        Assert.Equal(ReceiptVerificationFailure.MalformedPublicKey, ReceiptVerifier.VerifySigned(badKey).Failure);

        var badSignature = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        badSignature.Signature = good.Signature[..95];
        Assert.Equal(ReceiptVerificationFailure.MalformedSignature, ReceiptVerifier.VerifySigned(badSignature).Failure);

        var aggregated = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        aggregated.Kind = "committee";
        Assert.Equal(ReceiptVerificationFailure.UnknownKind, ReceiptVerifier.VerifySigned(aggregated).Failure);

        var malformed = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        malformed.Receipt.OutputHash = [1, 2, 3];
        Assert.Equal(ReceiptVerificationFailure.MalformedReceipt, ReceiptVerifier.VerifySigned(malformed).Failure);
    }

    internal static void Tamper(ExecutionReceipt r, string field)
    {
        switch (field)
        {
            case "job_id": r.JobId += "x"; break;
            case "attempt": r.Attempt++; break;
            case "program_id": r.ProgramId += "x"; break;
            case "wasm_hash": r.WasmHash = ReceiptSamples.Filled(0xa1); break;
            case "abi": r.Abi = ReceiptAbi.Onvm; break;
            case "input_hash": r.InputHash = ReceiptSamples.Filled(0xa2); break;
            case "invocation_hash": r.InvocationHash = ReceiptSamples.Filled(0xa3); break;
            case "state_root_in": r.StateRootIn = ReceiptSamples.Filled(0xa4); break;
            case "outcome": r.Outcome = ReceiptOutcome.Trapped; break;
            case "output_hash": r.OutputHash = ReceiptSamples.Filled(0xa5); break;
            case "fuel_consumed": r.FuelConsumed++; break;
            case "state_root_out": r.StateRootOut = ReceiptSamples.Filled(0xa6); break;
            case "engine_name": r.EngineName = "wasmer"; break;
            case "engine_version": r.EngineVersion = "50.0.2"; break;
            case "engine_config_digest": r.EngineConfigDigest = ReceiptSamples.Filled(0xa7); break;
            case "worker_id": r.WorkerId = "w2"; break;
            case "timestamp": r.Timestamp = r.Timestamp.AddMilliseconds(1); break;
            default: throw new ArgumentException(field, nameof(field));
        }
    }
}
