using System.Text.Json.Nodes;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>Offline <c>verify-receipt</c> of aggregated receipts (A16), and <c>evidence</c>/<c>verify-evidence</c> (A7),
/// with real BLS keys and no server (the URL points nowhere).</summary>
public sealed class CliOfflineTrustTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-trust-").FullName;
    private readonly SecretKey[] _keys = [.. Enumerable.Range(0, 4).Select(i => Bls.KeyGen(Enumerable.Repeat((byte)(60 + i), 32).ToArray()))];
    private readonly CliRunner _offline = new CliRunner().With("MARKETPLACE_URL", "http://127.0.0.1:1/");

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AnAggregatedReceiptVerifiesAndSaysWhatWasAndWasNotChecked()
    {
        var receiptFile = await WriteAsync("aggregated.json", AggregatedReceiptJson.Serialize(Aggregate(0, 1, 3)));
        var registryFile = await WriteAsync("registry.json", WorkerKeyRegistryJson.Serialize(Registry(epoch: 7)));

        // Without a registry the check passes against the file's own keys only: it says so and exits 14, unless the
        // caller accepts those keys.
        var bare = await _offline.RunAsync("verify-receipt", receiptFile);
        Assert.True(bare.ExitCode == 14, bare.ToString());
        Assert.Contains("checked against the keys the receipt carries only", bare.Error, StringComparison.Ordinal);
        var accepted = await _offline.RunAsync("verify-receipt", receiptFile, "--carried-keys");
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("checked: receipt hash, members, signer bitmap", bare.Output, StringComparison.Ordinal);
        Assert.Contains("draw seed bound to the executor's receipt", bare.Output, StringComparison.Ordinal);
        Assert.Contains("signed by 3 of 4 members (threshold 3, registry epoch 7)", bare.Output, StringComparison.Ordinal);
        Assert.Contains("signer: w4 (committee)", bare.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("signer: w3", bare.Output, StringComparison.Ordinal);
        Assert.Contains("not checked: keys not checked: no --registry given", bare.Output, StringComparison.Ordinal);
        Assert.Contains("not checked: program not checked: no --program given", bare.Output, StringComparison.Ordinal);

        var full = await _offline.RunAsync("verify-receipt", receiptFile, "--registry", registryFile, "--program", "prog-cli", "--min-signers", "3");
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Contains("against the registry at epoch 7", full.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not checked", full.Output, StringComparison.Ordinal);

        var json = await _offline.RunAsync("--json", "verify-receipt", receiptFile, "--registry", registryFile);
        Assert.True(json.ExitCode == 0, json.ToString());
        var node = JsonNode.Parse(json.Output)!;
        Assert.Equal("aggregated", node["kind"]!.GetValue<string>());
        Assert.Equal(["w1", "w2", "w4"], node["signers"]!.AsArray().Select(s => s!["worker_id"]!.GetValue<string>()));
        Assert.Single(node["not_checked"]!.AsArray());
    }

    [Fact]
    public async Task EachAggregatedRejectionExitsNineWithItsName()
    {
        var registryFile = await WriteAsync("registry.json", WorkerKeyRegistryJson.Serialize(Registry(epoch: 7)));
        var otherEpoch = await WriteAsync("registry8.json", WorkerKeyRegistryJson.Serialize(Registry(epoch: 8)));
        var few = await WriteAsync("few.json", AggregatedReceiptJson.Serialize(Aggregate(0, 1)));
        var good = await WriteAsync("good.json", AggregatedReceiptJson.Serialize(Aggregate(0, 1, 2)));
        var tamperedNode = JsonNode.Parse(AggregatedReceiptJson.Serialize(Aggregate(0, 1, 2)))!;
        tamperedNode["signer_bitmap"] = "0b";
        var tampered = await WriteAsync("bitmap.json", System.Text.Encoding.UTF8.GetBytes(tamperedNode.ToJsonString()));

        // The draw seed changed, so another committee would look drawn; the executor listed second.
        var seedNode = JsonNode.Parse(AggregatedReceiptJson.Serialize(Aggregate(0, 1, 2)))!;
        seedNode["draw_seed"] = Convert.ToHexStringLower(Filled(9));
        var seeded = await WriteAsync("seed.json", System.Text.Encoding.UTF8.GetBytes(seedNode.ToJsonString()));
        await ExpectAsync("wrong_draw_seed", "verify-receipt", seeded, "--registry", registryFile);
        var swapped = Aggregate(0, 1, 2);
        (swapped.Members[0].Role, swapped.Members[1].Role) = (CommitteeRole.Committee, CommitteeRole.Executor);
        await ExpectAsync("wrong_draw_order", "verify-receipt", await WriteAsync("swapped.json", AggregatedReceiptJson.Serialize(swapped)), "--registry", registryFile);

        await ExpectAsync("too_few_signers", "verify-receipt", few);
        await ExpectAsync("wrong_epoch", "verify-receipt", good, "--registry", otherEpoch);
        await ExpectAsync("wrong_program", "verify-receipt", good, "--program", "prog-other");
        await ExpectAsync("too_few_signers", "verify-receipt", good, "--min-signers", "4");
        await ExpectAsync("bad_aggregate", "verify-receipt", tampered, "--registry", registryFile);

        var usage = await _offline.RunAsync("verify-receipt", good, "--public-key", new string('a', 96));
        Assert.Equal(1, usage.ExitCode);
        Assert.Equal(1, (await _offline.RunAsync("verify-receipt", good, "--min-signers", "0")).ExitCode);
        var badRegistry = await WriteAsync("bad-registry.json", "{\"epoch\":1}"u8.ToArray());
        Assert.Equal(1, (await _offline.RunAsync("verify-receipt", good, "--registry", badRegistry)).ExitCode);
    }

    [Fact]
    public async Task ABatchSignedReceiptVerifiesAgainstTheRegistryAndAProofOfAnotherBatchExitsNine()
    {
        var registryFile = await WriteAsync("registry.json", WorkerKeyRegistryJson.Serialize(Registry(epoch: 7)));
        var first = Batched(sequence: 3);
        var second = Batched(sequence: 4);
        var good = await WriteAsync("batched.json", ReceiptJson.Serialize(first[1]));
        var valid = await _offline.RunAsync("verify-receipt", good, "--registry", registryFile);
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Contains("valid", valid.Output, StringComparison.Ordinal);

        // The proof and signature of the same place in the next batch, and a proof moved to the next sequence number.
        var moved = ReceiptJson.Parse(ReceiptJson.Serialize(first[1]));
        moved.Batch = second[1].Batch;
        moved.Signature = second[1].Signature;
        await ExpectAsync("bad_batch_proof", "verify-receipt", await WriteAsync("moved.json", ReceiptJson.Serialize(moved)), "--registry", registryFile);
        var renumbered = JsonNode.Parse(ReceiptJson.Serialize(first[1]))!;
        renumbered["batch"]!["sequence"] = 4;
        await ExpectAsync("bad_signature", "verify-receipt", await WriteAsync("renumbered.json", System.Text.Encoding.UTF8.GetBytes(renumbered.ToJsonString())), "--registry", registryFile);
        var cut = JsonNode.Parse(ReceiptJson.Serialize(first[1]))!;
        cut["batch"]!["path"] = cut["batch"]!["path"]!.GetValue<string>()[..64];
        await ExpectAsync("malformed_batch", "verify-receipt", await WriteAsync("cut.json", System.Text.Encoding.UTF8.GetBytes(cut.ToJsonString())), "--registry", registryFile);
    }

    [Fact]
    public async Task ConflictingReceiptsMakeEvidenceThatVerifiesOffline()
    {
        var first = await WriteAsync("a.json", ReceiptJson.Serialize(Sign(Receipt(), _keys[0])));
        var otherResult = Receipt();
        otherResult.OutputHash = Filled(0x5a);
        var second = await WriteAsync("b.json", ReceiptJson.Serialize(Sign(otherResult, _keys[0])));
        var evidenceFile = Path.Combine(_folder, "evidence.json");

        var built = await _offline.RunAsync("evidence", "--first", first, "--second", second, "--out", evidenceFile);
        Assert.True(built.ExitCode == 0, built.ToString());
        var verified = await _offline.RunAsync("--json", "verify-evidence", evidenceFile);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        var hash = JsonNode.Parse(verified.Output)!["evidence_hash"]!.GetValue<string>();
        Assert.Contains(hash, built.Output, StringComparison.Ordinal);

        // The executor form still verifies, against the registry's key for its worker (or a key given, or its own key
        // when accepted; alone, that exits 14); --program applies to it too.
        var registryFile = await WriteAsync("registry.json", WorkerKeyRegistryJson.Serialize(Registry(epoch: 7)));
        Assert.Equal(0, (await _offline.RunAsync("verify-receipt", first, "--registry", registryFile, "--program", "prog-cli")).ExitCode);
        Assert.Equal(0, (await _offline.RunAsync("verify-receipt", first, "--carried-keys")).ExitCode);
        Assert.Equal(14, (await _offline.RunAsync("verify-receipt", first)).ExitCode);
        await ExpectAsync("wrong_program", "verify-receipt", first, "--program", "prog-other");
        var strangers = await WriteAsync("strangers.json", WorkerKeyRegistryJson.Serialize(new WorkerKeyRegistry { Epoch = 7, Workers = [] }));
        await ExpectAsync("unknown_key", "verify-receipt", first, "--registry", strangers);
        var byAnother = await WriteAsync("by-another.json", ReceiptJson.Serialize(Sign(Receipt(), _keys[1])));
        await ExpectAsync("wrong_key", "verify-receipt", byAnother, "--registry", registryFile);

        // Tampered evidence, the same result twice, different jobs.
        var node = JsonNode.Parse(await File.ReadAllTextAsync(evidenceFile))!;
        node["second"]!["receipt"]!["fuel_consumed"] = 1;
        var tampered = await WriteAsync("tampered.json", System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
        await ExpectAsync("hash_mismatch", "verify-evidence", tampered, code: "evidence_invalid");

        var again = Receipt();
        again.Attempt = 2;
        var same = await WriteAsync("same.json", ReceiptJson.Serialize(Sign(again, _keys[0])));
        await ExpectAsync("same_result", "evidence", "--first", first, "--second", same, code: "evidence_invalid");

        var otherJob = Receipt();
        otherJob.JobId = "job-cli-2";
        var other = await WriteAsync("other.json", ReceiptJson.Serialize(Sign(otherJob, _keys[0])));
        await ExpectAsync("different_jobs", "evidence", "--first", first, "--second", other, code: "evidence_invalid");

        var otherKey = await WriteAsync("otherkey.json", ReceiptJson.Serialize(Sign(otherResult, _keys[1])));
        await ExpectAsync("different_keys", "evidence", "--first", first, "--second", otherKey, code: "evidence_invalid");
    }

    [Fact]
    public void TheSdkVerifiesEitherFormOffline()
    {
        var executor = ReceiptJson.Serialize(Sign(Receipt(), _keys[0]));
        Assert.True(Marketplace.Sdk.ReceiptFiles.Verify(executor).IsValid);
        Assert.Equal(ReceiptVerificationFailure.WrongProgram, Marketplace.Sdk.ReceiptFiles.Verify(executor, new AggregatedReceiptPolicy { ExpectedProgramId = "other" }).Failure);

        var aggregated = AggregatedReceiptJson.Serialize(Aggregate(0, 1, 2));
        Assert.True(Marketplace.Sdk.ReceiptFiles.Verify(aggregated, new AggregatedReceiptPolicy { Registry = Registry(epoch: 7) }).IsValid);
        Assert.Equal(ReceiptVerificationFailure.WrongEpoch, Marketplace.Sdk.ReceiptFiles.Verify(aggregated, new AggregatedReceiptPolicy { Registry = Registry(epoch: 6) }).Failure);
        Assert.Equal(ReceiptVerificationFailure.TooFewSigners, Marketplace.Sdk.ReceiptFiles.Verify(AggregatedReceiptJson.Serialize(Aggregate(0))).Failure);
        Assert.Equal(ReceiptVerificationFailure.UnknownKind, Marketplace.Sdk.ReceiptFiles.Verify("{\"kind\":\"other\"}"u8).Failure);
        Assert.Equal(ReceiptVerificationFailure.MalformedReceipt, Marketplace.Sdk.ReceiptFiles.Verify("{\"kind\":\"aggregated\"}"u8).Failure);
    }

    private async Task ExpectAsync(string failure, params string[] args) => await ExpectAsync(failure, args, "receipt_invalid");

    private async Task ExpectAsync(string failure, string verb, string file, string option, string value, string code) =>
        await ExpectAsync(failure, [verb, file, option, value], code);

    private async Task ExpectAsync(string failure, string verb, string file, string code) =>
        await ExpectAsync(failure, [verb, file], code);

    private async Task ExpectAsync(string failure, string verb, string option1, string value1, string option2, string value2, string code) =>
        await ExpectAsync(failure, [verb, option1, value1, option2, value2], code);

    private async Task ExpectAsync(string failure, string[] args, string code)
    {
        var result = await _offline.RunAsync(args);
        Assert.True(result.ExitCode == 9, result.ToString());
        Assert.StartsWith($"error {code}: {failure}: ", result.ErrorLine, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();

    private static ExecutionReceipt Receipt() => new()
    {
        JobId = "job-cli",
        Attempt = 1,
        ProgramId = "prog-cli",
        WasmHash = Filled(1),
        Abi = ReceiptAbi.Onvm,
        InputHash = Filled(2),
        InvocationHash = Filled(0),
        StateRootIn = Filled(3),
        Outcome = ReceiptOutcome.Completed,
        OutputHash = Filled(4),
        FuelConsumed = 10,
        StateRootOut = Filled(5),
        EngineName = "wasmtime",
        EngineVersion = "50.0.1",
        EngineConfigDigest = Filled(6),
        WorkerId = "w1",
        Timestamp = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
    };

    private static SignedExecutionReceipt Sign(ExecutionReceipt receipt, SecretKey key)
    {
        var hash = ReceiptCodec.Hash(receipt);
        return new SignedExecutionReceipt { Receipt = receipt, ReceiptHash = hash, WorkerPublicKey = Bls.SkToPk(key).ToBytes(), Signature = Bls.Sign(key, hash).ToBytes() };
    }

    private AggregatedReceipt Aggregate(params int[] signers)
    {
        var receipt = Receipt();
        var hash = ReceiptCodec.Hash(receipt);
        var bitmap = new byte[1];
        foreach (var i in signers)
        {
            bitmap[0] |= (byte)(1 << i);
        }

        return new AggregatedReceipt
        {
            Receipt = receipt,
            ReceiptHash = hash,
            Members = [.. _keys.Select((key, i) => new CommitteeMember { WorkerId = "w" + (i + 1), PublicKey = Bls.SkToPk(key).ToBytes(), Role = i == 0 ? CommitteeRole.Executor : CommitteeRole.Committee })],
            SignerBitmap = bitmap,
            AggregateSignature = Bls.Aggregate([.. signers.Select(i => Bls.Sign(_keys[i], hash))]).ToBytes(),
            Threshold = 3,
            RegistryEpoch = 7,
            DrawSeed = CommitteeDraw.Seed(hash),
        };
    }

    /// <summary>Five receipts of worker w1 signed as one batch under <paramref name="sequence"/> with w1's key.</summary>
    private SignedExecutionReceipt[] Batched(long sequence) =>
        TrustSamples.SignedBatch([.. Enumerable.Range(0, 5).Select(i =>
        {
            var r = Receipt();
            r.JobId = $"job-cli-{sequence}-{i}";
            r.WorkerId = "w1";
            return r;
        })], _keys[0], sequence);

    private WorkerKeyRegistry Registry(long epoch) => new()
    {
        Epoch = epoch,
        Workers = [.. _keys.Select((key, i) => new RegisteredWorkerKey { WorkerId = "w" + (i + 1), PublicKey = Bls.SkToPk(key).ToBytes(), ProofOfPossession = Bls.PopProve(key).ToBytes() })],
    };
}
