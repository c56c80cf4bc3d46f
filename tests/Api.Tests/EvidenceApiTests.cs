using System.Net;
using System.Text.Json;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>
/// Scenario A7 over HTTP, on a silo of its own (it bans one of its workers): anyone holding two conflicting signatures
/// of a worker's key hands them in as evidence; the worker gets the maximum penalty once; bad evidence is a typed 400.
/// </summary>
public sealed class EvidenceApiTests : IAsyncLifetime
{
    private ApiTestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await ApiTestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A7_EvidenceOfAWorkersDoubleSignBansItOnceAndBadEvidenceIsRefused()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var worker = await FirstWorkerAsync(http);
        using var key = SecretKey.FromBytes(await File.ReadAllBytesAsync(Path.Combine(_silo.DataFolder, "workers", worker + ".bls")));

        // The worker's key signed two results for one job: whoever holds both builds the evidence.
        var evidence = DoubleSignEvidence.From(Signed(Receipt(worker, 0x55), key), Signed(Receipt(worker, 0x5a), key));
        var body = DoubleSignEvidenceJson.Serialize(evidence);
        var hash = Convert.ToHexStringLower(DoubleSignEvidenceVerifier.Verify(evidence).EvidenceHash);

        using (var first = await PostAsync(http, body))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            using var accepted = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
            Assert.Equal(hash, accepted.RootElement.GetProperty("evidence_hash").GetString());
            Assert.Equal(worker, accepted.RootElement.GetProperty("worker_id").GetString());
            Assert.False(accepted.RootElement.GetProperty("repeated").GetBoolean());
        }

        using (var reputation = JsonDocument.Parse(await http.GetStringAsync($"v1/workers/{worker}/reputation")))
        {
            Assert.Equal(0, reputation.RootElement.GetProperty("score").GetDouble());
            Assert.Equal(JsonValueKind.String, reputation.RootElement.GetProperty("banned_until").ValueKind);
        }

        using (var repeat = await PostAsync(http, body))
        {
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
            using var again = JsonDocument.Parse(await repeat.Content.ReadAsStringAsync());
            Assert.True(again.RootElement.GetProperty("repeated").GetBoolean());
        }

        // Not evidence, a forged signature, one result twice, a key no worker holds: 400 evidence_invalid each.
        await ProblemAssert.IsProblemAsync(await PostAsync(http, "{\"kind\":\"double_sign\"}"u8.ToArray()), 400, "evidence_invalid");
        var forged = DoubleSignEvidenceJson.Parse(body);
        forged.First.Signature[7] ^= 1;
        await ProblemAssert.IsProblemAsync(await PostAsync(http, DoubleSignEvidenceJson.Serialize(forged)), 400, "evidence_invalid");
        var same = DoubleSignEvidenceJson.Parse(body);
        same.Second = same.First;
        await ProblemAssert.IsProblemAsync(await PostAsync(http, DoubleSignEvidenceJson.Serialize(same)), 400, "evidence_invalid");
        using var stranger = Bls.KeyGen(Enumerable.Repeat((byte)99, 32).ToArray());
        var unknown = DoubleSignEvidence.From(Signed(Receipt(worker, 0x55), stranger), Signed(Receipt(worker, 0x5a), stranger));
        var problem = await ProblemAssert.IsProblemAsync(await PostAsync(http, DoubleSignEvidenceJson.Serialize(unknown)), 400, "evidence_invalid");
        Assert.Contains("no registered worker", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoRootsUnderOneBatchSequenceAreEvidenceAndHostileBatchMembersAreRefusedAsInvalid()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var worker = await FirstWorkerAsync(http);
        using var key = SecretKey.FromBytes(await File.ReadAllBytesAsync(Path.Combine(_silo.DataFolder, "workers", worker + ".bls")));

        // Two batches signed under sequence 9 with different roots, shown by one receipt of each (different jobs).
        var a = Batch(key, worker, "job-batch-a", sequence: 9);
        var b = Batch(key, worker, "job-batch-b", sequence: 9);
        var evidence = DoubleSignEvidence.From(a[1], b[2]);
        var body = DoubleSignEvidenceJson.Serialize(evidence);
        using (var accepted = await PostAsync(http, body))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        using (var reputation = JsonDocument.Parse(await http.GetStringAsync($"v1/workers/{worker}/reputation")))
        {
            Assert.Equal(0, reputation.RootElement.GetProperty("score").GetDouble());
        }

        // The same offence shown by another pair of receipts is the same evidence: no second penalty.
        using (var repeat = await PostAsync(http, DoubleSignEvidenceJson.Serialize(DoubleSignEvidence.From(a[0], b[0]))))
        {
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        }

        // Hostile batch members: each a typed 400, never a 5xx.
        var json = System.Text.Encoding.UTF8.GetString(body);
        var proof = a[1].Batch!;
        string[] hostile =
        [
            json.Replace($"\"sequence\": {proof.Sequence},", "\"sequence\": \"nine\",", StringComparison.Ordinal),
            json.Replace($"\"size\": {proof.Size},", "\"size\": 2147483647,", StringComparison.Ordinal),
            json.Replace($"\"size\": {proof.Size},", "\"size\": 0,", StringComparison.Ordinal),
            json.Replace($"\"index\": {proof.Index},", "\"index\": -1,", StringComparison.Ordinal),
            json.Replace($"\"path\": \"{Convert.ToHexStringLower(proof.Path)}\"", $"\"path\": \"{Convert.ToHexStringLower(proof.Path)[..^2]}\"", StringComparison.Ordinal),
            json.Replace($"\"path\": \"{Convert.ToHexStringLower(proof.Path)}\"", $"\"path\": \"{new string('0', 64 * 40)}\"", StringComparison.Ordinal),
            json.Replace($"\"root\": \"{Convert.ToHexStringLower(proof.Root)}\"", "\"root\": null", StringComparison.Ordinal),
            json.Replace($"\"root\": \"{Convert.ToHexStringLower(proof.Root)}\"", "\"root\": \"zz\"", StringComparison.Ordinal),
            json.Replace("\"sequence\":", "\"extra\": 1, \"sequence\":", StringComparison.Ordinal),
        ];
        foreach (var text in hostile)
        {
            Assert.NotEqual(json, text);
            await ProblemAssert.IsProblemAsync(await PostAsync(http, System.Text.Encoding.UTF8.GetBytes(text)), 400, "evidence_invalid");
        }

        // A half whose proof is a neighbour's in the same batch.
        var swapped = DoubleSignEvidenceJson.Parse(body);
        swapped.First.Batch = a[0].Batch;
        var problem = await ProblemAssert.IsProblemAsync(await PostAsync(http, DoubleSignEvidenceJson.Serialize(swapped)), 400, "evidence_invalid");
        Assert.Contains("batch", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A7_TheCliBuildsChecksAndHandsInEvidenceAndTheSdkSeesTheRepeat()
    {
        var folder = Directory.CreateTempSubdirectory("marketplace-cli-evidence-").FullName;
        try
        {
            using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
            var worker = await FirstWorkerAsync(http);
            using var key = SecretKey.FromBytes(await File.ReadAllBytesAsync(Path.Combine(_silo.DataFolder, "workers", worker + ".bls")));
            var first = Path.Combine(folder, "a.json");
            var second = Path.Combine(folder, "b.json");
            await File.WriteAllBytesAsync(first, ReceiptJson.Serialize(Signed(Receipt(worker, 0x31), key)));
            await File.WriteAllBytesAsync(second, ReceiptJson.Serialize(Signed(Receipt(worker, 0x32), key)));
            var evidenceFile = Path.Combine(folder, "evidence.json");
            var cli = new Cli.CliRunner().With("MARKETPLACE_URL", _silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
            Assert.Equal(0, (await cli.RunAsync("evidence", "--first", first, "--second", second, "--out", evidenceFile)).ExitCode);
            var evidence = DoubleSignEvidenceJson.Parse(await File.ReadAllBytesAsync(evidenceFile));
            var hash = Convert.ToHexStringLower(DoubleSignEvidenceVerifier.Verify(evidence).EvidenceHash);

            // A forged copy is refused offline (exit 9) and never reaches the silo: the worker is still in good standing.
            var forged = DoubleSignEvidenceJson.Parse(await File.ReadAllBytesAsync(evidenceFile));
            forged.Second.Signature[3] ^= 1;
            var forgedFile = Path.Combine(folder, "forged.json");
            await File.WriteAllBytesAsync(forgedFile, DoubleSignEvidenceJson.Serialize(forged));
            var refused = await cli.RunAsync("submit-evidence", forgedFile);
            Assert.True(refused.ExitCode == 9, refused.ToString());
            Assert.Contains("evidence_invalid", refused.Error, StringComparison.Ordinal);
            using (var reputation = JsonDocument.Parse(await http.GetStringAsync($"v1/workers/{worker}/reputation")))
            {
                Assert.Equal(JsonValueKind.Null, reputation.RootElement.GetProperty("banned_until").ValueKind);
            }

            var submitted = await cli.RunAsync("submit-evidence", evidenceFile);
            Assert.True(submitted.ExitCode == 0, submitted.ToString());
            Assert.Contains($"accepted: evidence {hash}: worker {worker} double-signed job job-double-signed", submitted.Output, StringComparison.Ordinal);
            using (var reputation = JsonDocument.Parse(await http.GetStringAsync($"v1/workers/{worker}/reputation")))
            {
                Assert.Equal(0, reputation.RootElement.GetProperty("score").GetDouble());
            }

            var again = await cli.RunAsync("--json", "submit-evidence", evidenceFile);
            Assert.True(again.ExitCode == 0, again.ToString());
            using (var json = JsonDocument.Parse(again.Output))
            {
                Assert.True(json.RootElement.GetProperty("repeated").GetBoolean());
                Assert.Equal(hash, json.RootElement.GetProperty("evidence_hash").GetString());
            }

            using var sdk = new Marketplace.Sdk.HttpMarketplaceClient(_silo.BaseAddress, ApiTestSilo.AliceKey);
            var repeat = await sdk.SubmitEvidenceAsync(evidence);
            Assert.True(repeat.Repeated);
            Assert.Equal((worker, "job-double-signed"), (repeat.WorkerId, repeat.JobId));
            using var stranger = Bls.KeyGen(Enumerable.Repeat((byte)98, 32).ToArray());
            var unknown = DoubleSignEvidence.From(Signed(Receipt(worker, 0x31), stranger), Signed(Receipt(worker, 0x32), stranger));
            await Assert.ThrowsAsync<EvidenceInvalidException>(() => sdk.SubmitEvidenceAsync(unknown));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first registered worker, once the fresh silo's workers have registered (waits on the listing, not
    /// on time).</summary>
    private static async Task<string> FirstWorkerAsync(HttpClient http)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var workers = JsonDocument.Parse(await http.GetStringAsync("v1/workers", bound.Token));
            var list = workers.RootElement.GetProperty("workers");
            if (list.GetArrayLength() > 0)
            {
                return list[0].GetProperty("worker_id").GetString()!;
            }

            await Task.Delay(20, bound.Token);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, byte[] body) =>
        http.PostAsync("v1/evidence", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });

    private static ExecutionReceipt Receipt(string worker, byte output) => TrustSamples.Receipt("job-double-signed", "prog-double-signed", worker, output, 351);

    private static SignedExecutionReceipt Signed(ExecutionReceipt receipt, SecretKey key) => TrustSamples.Signed(receipt, key);

    /// <summary>Three receipts of <paramref name="worker"/> signed as one batch under <paramref name="sequence"/>.</summary>
    private static SignedExecutionReceipt[] Batch(SecretKey key, string worker, string jobPrefix, long sequence) =>
        TrustSamples.SignedBatch([.. Enumerable.Range(0, 3).Select(i => TrustSamples.Receipt($"{jobPrefix}-{i}", "prog-batch", worker, (byte)(0x40 + i), 100 + i))], key, sequence);
}
