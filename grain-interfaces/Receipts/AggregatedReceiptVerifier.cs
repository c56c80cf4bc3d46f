// Design: the checks run cheapest first and each failure has its own ReceiptVerificationFailure, so a caller (the CLI,
// the SDK) can say exactly what is wrong. Pairings come last: FastAggregateVerify is one pairing check whatever the
// number of signers, and a proof of possession is one per signer, only when a registry is given. Keys are summed
// only after their proofs of possession verified (or, without a registry, taken on the receipt's word), which is what
// makes FastAggregateVerify safe against rogue keys.
using Marketplace.Crypto.Bls;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Checks an <see cref="AggregatedReceipt"/> offline, without a silo: canonical receipt fields, the receipt hash, a
/// well-formed member list and signer bitmap, enough signers, the members' keys against a registry when one is given,
/// the expected program when one is given, and the aggregate signature over the receipt hash under the signers' keys.
/// </summary>
/// <remarks>
/// The rules, in the order they are checked, are listed in grain-interfaces/Receipts/README.md ("Checking an
/// aggregated receipt"). Without a registry the keys are the receipt's own: a valid result then proves that the
/// holders of those keys signed, not that they are the workers named.
/// </remarks>
public static class AggregatedReceiptVerifier
{
    /// <summary>Verifies <paramref name="aggregated"/> under <paramref name="policy"/> (null: <see cref="AggregatedReceiptPolicy.Default"/>).</summary>
    public static ReceiptVerification Verify(AggregatedReceipt aggregated, AggregatedReceiptPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        policy ??= AggregatedReceiptPolicy.Default;
        if (!string.Equals(aggregated.Kind, AggregatedReceipt.AggregatedKind, StringComparison.Ordinal))
        {
            return Fail(ReceiptVerificationFailure.UnknownKind, $"kind '{aggregated.Kind}' is not '{AggregatedReceipt.AggregatedKind}'");
        }

        byte[] hash;
        try
        {
            hash = ReceiptCodec.Hash(aggregated.Receipt);
        }
        catch (ReceiptFormatException e)
        {
            return Fail(ReceiptVerificationFailure.MalformedReceipt, "receipt: " + e.Message);
        }

        if (aggregated.ReceiptHash is null || !hash.AsSpan().SequenceEqual(aggregated.ReceiptHash))
        {
            return Fail(ReceiptVerificationFailure.HashMismatch,
                $"receipt_hash {Hex(aggregated.ReceiptHash)} is not the hash of the receipt's fields ({Hex(hash)})");
        }

        if (CheckMembers(aggregated.Members, out var keys) is { } badMembers)
        {
            return badMembers;
        }

        if (CheckBitmap(aggregated.SignerBitmap, keys.Length) is { } badBitmap)
        {
            return badBitmap;
        }

        var signers = Signers(aggregated.SignerBitmap, keys.Length);
        if (CheckDraw(aggregated, signers) is { } badDraw)
        {
            return badDraw;
        }

        var majority = (keys.Length / 2) + 1;
        if (aggregated.Threshold != majority)
        {
            return Fail(ReceiptVerificationFailure.WrongThreshold, $"threshold {aggregated.Threshold} is not the strict majority of the {keys.Length} members ({majority})");
        }

        var required = Math.Max(Math.Max(aggregated.Threshold, policy.MinimumSigners), majority);
        if (signers.Count < required)
        {
            return Fail(ReceiptVerificationFailure.TooFewSigners,
                $"{signers.Count} of {keys.Length} members signed; {required} required (threshold {aggregated.Threshold}, verifier minimum {policy.MinimumSigners}, strict majority {majority})");
        }

        if (policy.Registry is { } registry && CheckRegistry(aggregated, registry, keys, signers) is { } badRegistry)
        {
            return badRegistry;
        }

        if (CheckProgram(aggregated.Receipt, policy) is { } badProgram)
        {
            return badProgram;
        }

        if (!Signature.TryFromBytes(aggregated.AggregateSignature ?? [], out var aggregate) || aggregate is null)
        {
            return Fail(ReceiptVerificationFailure.MalformedSignature, "aggregate_signature is not a BLS12-381 G2 signature (96 bytes compressed)");
        }

        var signerKeys = new PublicKey[signers.Count];
        for (var i = 0; i < signerKeys.Length; i++)
        {
            signerKeys[i] = keys[signers[i]];
        }

        bool verifies;
        try
        {
            verifies = Bls.FastAggregateVerify(signerKeys, hash, aggregate);
        }
        catch (ArgumentException)
        {
            // The signers' keys sum to the identity: only made-up keys do that.
            verifies = false;
        }

        return verifies
            ? ReceiptVerification.Valid
            : Fail(ReceiptVerificationFailure.BadAggregate, $"aggregate_signature does not verify for receipt hash {Hex(hash)} under the {signers.Count} signers' keys");
    }

    /// <summary>The indexes of the members whose bit is set in the signer bitmap (bit i: byte i / 8, bit i % 8,
    /// least significant first), in member order.</summary>
    public static IReadOnlyList<int> SignerIndexes(AggregatedReceipt aggregated)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        return Signers(aggregated.SignerBitmap ?? [], aggregated.Members?.Count ?? 0);
    }

    private static ReceiptVerification? CheckMembers(List<CommitteeMember>? members, out PublicKey[] keys)
    {
        keys = [];
        if (members is null || members.Count == 0)
        {
            return Fail(ReceiptVerificationFailure.MalformedMembers, "members is empty");
        }

        var decoded = new PublicKey[members.Count];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var seenKeys = new HashSet<PublicKey>();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (member is null || string.IsNullOrEmpty(member.WorkerId))
            {
                return Fail(ReceiptVerificationFailure.MalformedMembers, $"members[{i}] has no worker_id");
            }

            if (!Enum.IsDefined(member.Role))
            {
                return Fail(ReceiptVerificationFailure.MalformedMembers, $"members[{i}] ({member.WorkerId}) has an unknown role {(int)member.Role}");
            }

            if (!PublicKey.TryFromBytes(member.PublicKey ?? [], out var key) || key is null)
            {
                return Fail(ReceiptVerificationFailure.MalformedMembers, $"members[{i}] ({member.WorkerId}): public_key is not a BLS12-381 G1 public key (48 bytes compressed)");
            }

            if (!ids.Add(member.WorkerId))
            {
                return Fail(ReceiptVerificationFailure.MalformedMembers, $"members[{i}]: worker_id '{member.WorkerId}' is listed twice");
            }

            if (!seenKeys.Add(key))
            {
                return Fail(ReceiptVerificationFailure.MalformedMembers, $"members[{i}] ({member.WorkerId}): public_key {key} is listed twice");
            }

            decoded[i] = key;
        }

        keys = decoded;
        return null;
    }

    /// <summary>How the committee was drawn: the executor listed first and alone in its role, and the draw seed bound
    /// to the executor's receipt when the executor signed the settled one (an outvoted executor's receipt is not in the
    /// file, so its seed is taken as given), so the seed cannot be changed without the signatures failing.</summary>
    private static ReceiptVerification? CheckDraw(AggregatedReceipt aggregated, List<int> signers)
    {
        var members = aggregated.Members;
        var seed = aggregated.DrawSeed ?? [];
        if (seed.Length != ReceiptCodec.HashBytes)
        {
            return Fail(ReceiptVerificationFailure.WrongDrawSeed, $"draw_seed is {seed.Length} bytes, not {ReceiptCodec.HashBytes}");
        }

        if (members[0].Role != CommitteeRole.Executor)
        {
            return Fail(ReceiptVerificationFailure.WrongDrawOrder, $"members[0] ({members[0].WorkerId}) is not the executor: the executor is listed first");
        }

        if (signers.Count > 0 && signers[0] == 0 && !CommitteeDraw.Seed(aggregated.ReceiptHash).AsSpan().SequenceEqual(seed))
        {
            return Fail(ReceiptVerificationFailure.WrongDrawSeed,
                $"draw_seed {Hex(seed)} is not the seed of the executor's receipt {Hex(aggregated.ReceiptHash)} ({Hex(CommitteeDraw.Seed(aggregated.ReceiptHash))})");
        }

        for (var i = 1; i < members.Count; i++)
        {
            if (members[i].Role == CommitteeRole.Executor)
            {
                return Fail(ReceiptVerificationFailure.WrongDrawOrder, $"members[{i}] ({members[i].WorkerId}) is listed as a second executor");
            }
        }

        return null;
    }

    private static ReceiptVerification? CheckBitmap(byte[]? bitmap, int members)
    {
        var expected = (members + 7) / 8;
        if (bitmap is null || bitmap.Length != expected)
        {
            return Fail(ReceiptVerificationFailure.MalformedBitmap, $"signer_bitmap is {bitmap?.Length ?? 0} bytes; {members} members need {expected}");
        }

        var spare = (expected * 8) - members;
        if (spare > 0 && (bitmap[^1] >> (8 - spare)) != 0)
        {
            return Fail(ReceiptVerificationFailure.MalformedBitmap, $"signer_bitmap sets a bit past the last of {members} members");
        }

        return null;
    }

    private static List<int> Signers(byte[] bitmap, int members)
    {
        var signers = new List<int>(members);
        for (var i = 0; i < members && (i / 8) < bitmap.Length; i++)
        {
            if ((bitmap[i / 8] & (1 << (i % 8))) != 0)
            {
                signers.Add(i);
            }
        }

        return signers;
    }

    private static ReceiptVerification? CheckRegistry(AggregatedReceipt aggregated, WorkerKeyRegistry registry, PublicKey[] keys, List<int> signers)
    {
        if (registry.Epoch != aggregated.RegistryEpoch)
        {
            return Fail(ReceiptVerificationFailure.WrongEpoch, $"the registry is at epoch {registry.Epoch}; the receipt's committee was drawn at epoch {aggregated.RegistryEpoch}");
        }

        var byId = new Dictionary<string, RegisteredWorkerKey>(StringComparer.Ordinal);
        foreach (var entry in registry.Workers ?? [])
        {
            if (entry?.WorkerId is { } id)
            {
                byId.TryAdd(id, entry);
            }
        }

        var members = aggregated.Members;
        for (var i = 0; i < members.Count; i++)
        {
            if (!byId.TryGetValue(members[i].WorkerId, out var registered))
            {
                return Fail(ReceiptVerificationFailure.UnknownKey, $"members[{i}]: worker '{members[i].WorkerId}' is not in the registry at epoch {registry.Epoch}");
            }

            if (!members[i].PublicKey.AsSpan().SequenceEqual(registered.PublicKey))
            {
                return Fail(ReceiptVerificationFailure.UnknownKey, $"members[{i}]: key {keys[i]} is not worker '{members[i].WorkerId}''s registered key {Hex(registered.PublicKey)}");
            }
        }

        foreach (var i in signers)
        {
            var proof = byId[members[i].WorkerId].ProofOfPossession;
            if (!Signature.TryFromBytes(proof ?? [], out var pop) || pop is null || !Bls.PopVerify(keys[i], pop))
            {
                return Fail(ReceiptVerificationFailure.BadProofOfPossession, $"members[{i}]: the registry's proof of possession for worker '{members[i].WorkerId}' does not verify");
            }
        }

        return null;
    }

    private static ReceiptVerification? CheckProgram(ExecutionReceipt receipt, AggregatedReceiptPolicy policy)
    {
        if (policy.ExpectedProgramId is { } programId && !string.Equals(programId, receipt.ProgramId, StringComparison.Ordinal))
        {
            return Fail(ReceiptVerificationFailure.WrongProgram, $"the receipt names program '{receipt.ProgramId}', not '{programId}'");
        }

        if (policy.ExpectedWasmHash is { } wasmHash && !wasmHash.AsSpan().SequenceEqual(receipt.WasmHash))
        {
            return Fail(ReceiptVerificationFailure.WrongProgram, $"the receipt names module {Hex(receipt.WasmHash)}, not {Hex(wasmHash)}");
        }

        return null;
    }

    private static string Hex(byte[]? bytes) => Convert.ToHexStringLower(bytes ?? []);

    private static ReceiptVerification Fail(ReceiptVerificationFailure failure, string detail) => new(failure, detail);
}
