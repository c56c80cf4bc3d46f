using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Workers;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Batch-signed receipts: the Merkle tree and its proofs, offline verification of a receipt with its batch
/// proof, and the hostile cases (a proof for another batch, a receipt moved between batches, a root signed twice).</summary>
public sealed class ReceiptBatchTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "receipt-batches-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void EveryLeafOfEverySizeUpTo70LeadsToTheRootAndToNoOtherPlace()
    {
        for (var size = 2; size <= 70; size++)
        {
            var hashes = Hashes(size, salt: size);
            var (root, paths) = ReceiptBatch.Build(hashes);
            for (var i = 0; i < size; i++)
            {
                Assert.Equal(root, ReceiptBatch.RootFromPath(hashes[i], i, size, paths[i]));

                // The same path from another index or another leaf never gives the root. (Another size may: a path of
                // the same shape folds the same way, which is why the signed message binds the size.)
                var otherIndex = (i + 1) % size;
                Assert.NotEqual(root, ReceiptBatch.RootFromPath(hashes[i], otherIndex, size, paths[i]));
                Assert.NotEqual(root, ReceiptBatch.RootFromPath(hashes[otherIndex], i, size, paths[i]));
            }
        }
    }

    /// <summary>The same batch is pinned in contracts/test/ReceiptBatch.t.sol: the contract follows these paths to this
    /// root and signs over this hash only if its leaf, node and signing-hash layout is byte for byte this one.</summary>
    [Fact]
    public void TheGoldenBatchHasThePinnedRootPathsAndSigningHash()
    {
        var hashes = Enumerable.Range(0, 7).Select(i => SHA256.HashData(Encoding.ASCII.GetBytes($"marketplace batch vector receipt {i}"))).ToArray();
        var (root, paths) = ReceiptBatch.Build(hashes);

        Assert.Equal("7b8e6edaecfeb4ef9714d7e8db4f7b7ba64b2e948412502829860724c317fb67", Convert.ToHexStringLower(root));
        Assert.Equal(
            "bab27f54785a1a94989944bb777181134a95d4e54bbf961c4de17a4340c393e4"
            + "9b9b18a4ea1fcc96a0fa839abd7c529c8748b0d3f8dd399dcd0e9b0cf69968f6"
            + "76e767b97e60cf1d05412de18a510f90e4c55e058e11b3b7d61ab88b34fb883b",
            Convert.ToHexStringLower(paths[5]));
        Assert.Equal(
            "e112d0cfadd381c47059e6508f9ad71fde2e239477d6a5e0836009843eae091b"
            + "76e767b97e60cf1d05412de18a510f90e4c55e058e11b3b7d61ab88b34fb883b",
            Convert.ToHexStringLower(paths[6]));
        Assert.Equal("43a2dc45ae576ef4970c14d30737002ccdd8cba775450d46d9f7f11979198ce3", Convert.ToHexStringLower(ReceiptBatch.SigningHash(412, 7, root)));
        Assert.Equal(root, ReceiptBatch.RootFromPath(hashes[5], 5, 7, paths[5]));
    }

    [Fact]
    public void TheTreeIsTheRfc9162TreeWithDomainSeparatedLeavesAndNodes()
    {
        // Three leaves: root = node(node(leaf0, leaf1), leaf2), leaf = SHA-256(0x00 ‖ hash), node = SHA-256(0x01 ‖ l ‖ r).
        var hashes = Hashes(3, salt: 1);
        static byte[] Node(byte[] l, byte[] r) => System.Security.Cryptography.SHA256.HashData([0x01, .. l, .. r]);
        var leaves = hashes.Select(h => System.Security.Cryptography.SHA256.HashData([0x00, .. h])).ToArray();
        var (root, paths) = ReceiptBatch.Build(hashes);
        Assert.Equal(Node(Node(leaves[0], leaves[1]), leaves[2]), root);
        Assert.Equal([.. leaves[1], .. leaves[2]], paths[0]);
        Assert.Equal(Node(leaves[0], leaves[1]), paths[2]);
    }

    [Fact]
    public void PathsOfTheWrongShapeAreRefusedNotFollowed()
    {
        var hashes = Hashes(5, salt: 2);
        var (_, paths) = ReceiptBatch.Build(hashes);
        Assert.Null(ReceiptBatch.RootFromPath(hashes[0], 0, 5, paths[0][..^32]));
        Assert.Null(ReceiptBatch.RootFromPath(hashes[0], 0, 5, [.. paths[0], .. new byte[32]]));
        Assert.Null(ReceiptBatch.RootFromPath(hashes[0], 5, 5, paths[0]));
        Assert.Null(ReceiptBatch.RootFromPath(hashes[0], -1, 5, paths[0]));
        Assert.Null(ReceiptBatch.RootFromPath(hashes[0], 0, 1, []));
        Assert.Null(ReceiptBatch.RootFromPath(hashes[0], 0, ReceiptBatch.MaxSize + 1, paths[0]));
        Assert.Null(ReceiptBatch.RootFromPath(hashes[0], 0, 5, paths[0][..^1]));
    }

    [Fact]
    public async Task ABatchSignedOnceVerifiesEachReceiptOfflineAgainstTheKeyAndTheLogHoldsEveryClaim()
    {
        using var key = ReceiptSamples.Key();
        var batch = await SignBatchAsync(key, Receipts(10, "job-a"));
        Assert.All(batch, signed =>
        {
            Assert.NotNull(signed.Batch);
            Assert.Equal(10, signed.Batch!.Size);
            Assert.Equal(1, signed.Batch.Sequence);
            Assert.Equal(ReceiptVerification.Valid, ReceiptVerifier.VerifySigned(signed, Bls.SkToPk(key).ToBytes()));
        });
        Assert.Single(batch.Select(s => Convert.ToHexString(s.Signature)).Distinct());

        // Through the file form and back, the batch proof still checks.
        var parsed = ReceiptJson.Parse(ReceiptJson.Serialize(batch[3]));
        Assert.Equal(ReceiptVerification.Valid, ReceiptVerifier.VerifySigned(parsed));
        Assert.Equal(3, parsed.Batch!.Index);

        // The log holds every claim of the batch and the batch's sequence number across a restart.
        using var log = SignIntentLog.Open(_folder, "w1");
        Assert.Equal(1, log.LastBatchSequence);
        var other = batch[7].Receipt;
        Assert.Throws<DoubleSignRefusedException>(() => log.Record(other.JobId, ReceiptSamples.Filled(0x99), ReceiptSamples.Filled(0x98)));
    }

    [Fact]
    public async Task AReceiptSignedAloneCarriesNoBatchAndItsFileHasNoBatchMember()
    {
        using var key = ReceiptSamples.Key();
        var alone = await SignBatchAsync(key, Receipts(1, "job-alone"));
        Assert.Null(alone[0].Batch);
        Assert.Equal(ReceiptVerification.Valid, ReceiptVerifier.VerifySigned(alone[0]));
        Assert.DoesNotContain("\"batch\"", Encoding.UTF8.GetString(ReceiptJson.Serialize(alone[0])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReceiptWaitsForTheWorkersRunsInProgressAndIsSignedAloneWhenNoneIs()
    {
        using var key = ReceiptSamples.Key();
        var inProgress = new StrongBox<int>();
        using var signer = CountingSigner(key, inProgress);

        // Nothing else in progress: signed at once, alone, in the old form.
        var receipts = Receipts(3, "job-k");
        var alone = await signer.SignAsync(receipts[0]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(alone.Batch);

        // Another run in progress: the first receipt waits for it; when that run's receipt arrived and no run is left,
        // both are signed under one root.
        Volatile.Write(ref inProgress.Value, 1);
        var first = signer.SignAsync(receipts[1]);
        Assert.False(first.IsCompleted);
        var second = signer.SignAsync(receipts[2]);
        Volatile.Write(ref inProgress.Value, 0);
        signer.RunEnded();
        var signed = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(signed, s => Assert.Equal(2, s.Batch!.Size));
        Assert.All(signed, s => Assert.True(ReceiptVerifier.VerifySigned(s).IsValid));
    }

    [Fact]
    public async Task AProofForAnotherBatchOrAnotherReceiptOrAMovedReceiptIsRefused()
    {
        using var key = ReceiptSamples.Key();
        var first = await SignBatchAsync(key, Receipts(6, "job-b"));
        var second = await SignBatchAsync(key, Receipts(6, "job-c"));
        Assert.Equal(2, second[0].Batch!.Sequence);

        // Receipt 2 of the first batch with the proof (and signature) of receipt 2 of the second batch.
        var moved = With(first[2], second[2].Batch!, second[2].Signature);
        Assert.Equal(ReceiptVerificationFailure.BadBatchProof, ReceiptVerifier.VerifySigned(moved).Failure);

        // The proof of a neighbour in the same batch.
        var neighbour = With(first[2], first[3].Batch!, first[2].Signature);
        Assert.Equal(ReceiptVerificationFailure.BadBatchProof, ReceiptVerifier.VerifySigned(neighbour).Failure);

        // The right path, claimed under the other batch's sequence number: the signature is over (sequence, size, root).
        var renumbered = With(first[2], Copy(first[2].Batch!, sequence: 2), first[2].Signature);
        Assert.Equal(ReceiptVerificationFailure.BadSignature, ReceiptVerifier.VerifySigned(renumbered).Failure);

        // A size whose paths have the same shape leads to the same root, but the signature binds the size.
        Assert.Equal(first[2].Batch!.Root, ReceiptBatch.RootFromPath(first[2].ReceiptHash, 2, 7, first[2].Batch!.Path));
        Assert.Equal(ReceiptVerificationFailure.BadSignature, ReceiptVerifier.VerifySigned(With(first[2], Copy(first[2].Batch!, size: 7), first[2].Signature)).Failure);

        // A size that the path does not fit, and a root of the wrong length.
        Assert.Equal(ReceiptVerificationFailure.MalformedBatch, ReceiptVerifier.VerifySigned(With(first[2], Copy(first[2].Batch!, size: 40), first[2].Signature)).Failure);
        Assert.Equal(ReceiptVerificationFailure.MalformedBatch, ReceiptVerifier.VerifySigned(With(first[2], Copy(first[2].Batch!, root: new byte[31]), first[2].Signature)).Failure);

        // A batch-signed receipt without its batch: the signature is not over the receipt hash.
        var stripped = new SignedExecutionReceipt { Receipt = first[2].Receipt, ReceiptHash = first[2].ReceiptHash, WorkerPublicKey = first[2].WorkerPublicKey, Signature = first[2].Signature };
        Assert.Equal(ReceiptVerificationFailure.BadSignature, ReceiptVerifier.VerifySigned(stripped).Failure);
    }

    [Fact]
    public async Task TheSiloChecksABatchSignatureOnceAndEveryReceiptsPathEachTime()
    {
        using var key = ReceiptSamples.Key();
        var pk = Bls.SkToPk(key).ToBytes();
        var batch = await SignBatchAsync(key, Receipts(8, "job-d"));
        var verified = new VerifiedSignatures();
        foreach (var signed in batch)
        {
            Assert.True(ReceiptVerifier.VerifySigned(signed, pk, verified).IsValid);
        }

        Assert.Equal(7, verified.Hits);

        // A receipt whose fields changed after signing is still refused when its batch's signature is known.
        var changed = ReceiptSamples.Golden();
        changed.JobId = batch[4].Receipt.JobId;
        changed.FuelConsumed = 1;
        var forged = new SignedExecutionReceipt { Receipt = changed, ReceiptHash = ReceiptCodec.Hash(changed), WorkerPublicKey = pk, Signature = batch[4].Signature, Batch = batch[4].Batch };
        Assert.Equal(ReceiptVerificationFailure.BadBatchProof, ReceiptVerifier.VerifySigned(forged, pk, verified).Failure);

        // A known signature under another key's claim is not taken from the set.
        using var otherKey = ReceiptSamples.Key(9);
        var otherPk = Bls.SkToPk(otherKey).ToBytes();
        var claimed = new SignedExecutionReceipt { Receipt = batch[1].Receipt, ReceiptHash = batch[1].ReceiptHash, WorkerPublicKey = otherPk, Signature = batch[1].Signature, Batch = batch[1].Batch };
        Assert.Equal(ReceiptVerificationFailure.BadSignature, ReceiptVerifier.VerifySigned(claimed, otherPk, verified).Failure);
    }

    [Fact]
    public async Task AConflictingClaimInABatchIsRefusedAloneAndTheRestIsSigned()
    {
        using var key = ReceiptSamples.Key();
        var receipts = Receipts(5, "job-e");
        using (var log = SignIntentLog.Open(_folder, "w1"))
        {
            log.Record(receipts[2].JobId, ReceiptSamples.Filled(0x42), ReceiptSamples.Filled(0x43));
        }

        var (signer, start) = ManualSigner(key);
        using (signer)
        {
            var tasks = receipts.Select(signer.SignAsync).ToArray();
            start();
            var refused = await Assert.ThrowsAsync<DoubleSignRefusedException>(() => tasks[2]);
            Assert.Equal(receipts[2].JobId, refused.JobId);
            var signed = await Task.WhenAll(tasks.Where((_, i) => i != 2));
            Assert.All(signed, s => Assert.True(ReceiptVerifier.VerifySigned(s).IsValid));
            Assert.All(signed, s => Assert.Equal(4, s.Batch!.Size));
        }
    }

    [Fact]
    public async Task AWorkerThatSignedABatchAndDiedBeforeReportingRefusesAnotherResultAndSignsTheSameAgain()
    {
        using var key = ReceiptSamples.Key();
        var receipts = Receipts(4, "job-f");
        await SignBatchAsync(key, receipts);

        // The process died here: nothing was reported. After restart the jobs run again, maybe elsewhere, maybe here.
        var rerun = ReceiptSamples.Golden();
        rerun.JobId = receipts[1].JobId;
        rerun.FuelConsumed = receipts[1].FuelConsumed;
        rerun.Attempt = 3;
        var different = ReceiptSamples.Golden();
        different.JobId = receipts[2].JobId;
        different.OutputHash = ReceiptSamples.Filled(0x0d);
        var (signer, start) = ManualSigner(key);
        using (signer)
        {
            var same = signer.SignAsync(rerun);
            var conflicting = signer.SignAsync(different);
            start();
            Assert.True(ReceiptVerifier.VerifySigned(await same).IsValid);
            await Assert.ThrowsAsync<DoubleSignRefusedException>(() => conflicting);
        }
    }

    [Fact]
    public void ARootSignedTwiceUnderOneSequenceIsRefusedByTheLogAndSlashableFromTheReceipts()
    {
        using (var log = SignIntentLog.Open(_folder, "w1"))
        {
            log.RecordBatchRoot(1, ReceiptSamples.Filled(1), ReceiptSamples.Filled(2));
            Assert.Throws<BatchSequenceRefusedException>(() => log.RecordBatchRoot(1, ReceiptSamples.Filled(3), ReceiptSamples.Filled(4)));
        }

        using (var reopened = SignIntentLog.Open(_folder, "w1"))
        {
            Assert.Equal(1, reopened.LastBatchSequence);
            var refused = Assert.Throws<BatchSequenceRefusedException>(() => reopened.RecordBatchRoot(1, ReceiptSamples.Filled(5), ReceiptSamples.Filled(6)));
            Assert.Equal(1, refused.Sequence);
            reopened.RecordBatchRoot(2, ReceiptSamples.Filled(5), ReceiptSamples.Filled(6));
        }

        // A key that did sign two roots under one sequence (not through a log) is caught by its receipts alone.
        using var key = ReceiptSamples.Key();
        var a = SignedWithoutLog(key, Receipts(3, "job-g"), sequence: 7);
        var b = SignedWithoutLog(key, Receipts(3, "job-h"), sequence: 7);
        var evidence = DoubleSignEvidence.From(a[0], b[1]);
        var check = DoubleSignEvidenceVerifier.Verify(DoubleSignEvidenceJson.Parse(DoubleSignEvidenceJson.Serialize(evidence)));
        Assert.True(check.IsValid, check.Detail);

        // Two receipts of one batch, or of two batches with different sequence numbers, are no offence.
        Assert.Throws<NotConflictingException>(() => DoubleSignEvidence.From(a[0], a[1]));
        var c = SignedWithoutLog(key, Receipts(3, "job-i"), sequence: 8);
        Assert.Throws<NotConflictingException>(() => DoubleSignEvidence.From(a[0], c[0]));

        // A half whose proof was swapped does not verify.
        evidence.Second.Batch = a[1].Batch;
        Assert.Equal(DoubleSignEvidenceFailure.BadBatchProof, DoubleSignEvidenceVerifier.Verify(evidence).Failure);
    }

    [Fact]
    public void ABatchFileMissingAMemberOrWithAnUnknownOneIsRefused()
    {
        using var key = ReceiptSamples.Key();
        var signed = SignedWithoutLog(key, Receipts(2, "job-j"), sequence: 1)[0];
        var json = Encoding.UTF8.GetString(ReceiptJson.Serialize(signed));
        Assert.Throws<ReceiptFormatException>(() => ReceiptJson.Parse(Encoding.UTF8.GetBytes(json.Replace("\"sequence\"", "\"seq\"", StringComparison.Ordinal))));
        Assert.Throws<ReceiptFormatException>(() => ReceiptJson.Parse(Encoding.UTF8.GetBytes(json.Replace("\"index\": 0,", "", StringComparison.Ordinal))));
    }

    private static List<byte[]> Hashes(int count, int salt) =>
        [.. Enumerable.Range(0, count).Select(i => System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes((salt * 10_000) + i)))];

    private static List<ExecutionReceipt> Receipts(int count, string prefix) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var receipt = ReceiptSamples.Golden();
            receipt.JobId = $"{prefix}-{i}";
            receipt.FuelConsumed = 100 + i;
            return receipt;
        })];

    private async Task<SignedExecutionReceipt[]> SignBatchAsync(SecretKey key, List<ExecutionReceipt> receipts)
    {
        var (signer, start) = ManualSigner(key);
        using (signer)
        {
            var tasks = receipts.Select(signer.SignAsync).ToArray();
            start();
            return await Task.WhenAll(tasks);
        }
    }

    /// <summary>A signer whose batches close on the test's events, never on the clock (a window no test run reaches),
    /// with <paramref name="inProgress"/> as the worker's runs in progress.</summary>
    private ReceiptSigner CountingSigner(SecretKey key, StrongBox<int> inProgress)
    {
        var signer = new ReceiptSigner("w1", SecretKey.FromBytes(key.ToBytes()), TimeProvider.System, SignIntentLog.Open(_folder, "w1"))
        {
            BatchWindow = TimeSpan.FromMinutes(10),
        };
        signer.RunsInProgress = () => Volatile.Read(ref inProgress.Value);
        return signer;
    }

    /// <summary>A signer whose batch loop runs only when the returned action is called, so every receipt handed to it
    /// before then lands in one batch.</summary>
    private (ReceiptSigner Signer, Action Start) ManualSigner(SecretKey key)
    {
        Action? loop = null;
        var signer = new ReceiptSigner("w1", SecretKey.FromBytes(key.ToBytes()), TimeProvider.System, SignIntentLog.Open(_folder, "w1"), schedule: run => loop = run);
        return (signer, () => loop!());
    }

    private static SignedExecutionReceipt[] SignedWithoutLog(SecretKey key, List<ExecutionReceipt> receipts, long sequence)
    {
        var hashes = receipts.Select(ReceiptCodec.Hash).ToList();
        var (root, paths) = ReceiptBatch.Build(hashes);
        var signature = Bls.Sign(key, ReceiptBatch.SigningHash(sequence, hashes.Count, root)).ToBytes();
        var pk = Bls.SkToPk(key).ToBytes();
        return [.. receipts.Select((r, i) => new SignedExecutionReceipt
        {
            Receipt = r,
            ReceiptHash = hashes[i],
            WorkerPublicKey = pk,
            Signature = signature,
            Batch = new ReceiptBatchProof { Sequence = sequence, Size = hashes.Count, Index = i, Path = paths[i], Root = root },
        })];
    }

    private static SignedExecutionReceipt With(SignedExecutionReceipt signed, ReceiptBatchProof batch, byte[] signature) => new()
    {
        Receipt = signed.Receipt,
        ReceiptHash = signed.ReceiptHash,
        WorkerPublicKey = signed.WorkerPublicKey,
        Signature = signature,
        Batch = batch,
    };

    private static ReceiptBatchProof Copy(ReceiptBatchProof batch, long? sequence = null, int? size = null, byte[]? root = null) => new()
    {
        Sequence = sequence ?? batch.Sequence,
        Size = size ?? batch.Size,
        Index = batch.Index,
        Path = batch.Path,
        Root = root ?? batch.Root,
    };
}
