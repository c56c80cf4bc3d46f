using System.Text;
using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary><c>replay</c>: receipts of real jobs run on a real silo replayed by the CLI without the silo (an unreachable
/// URL), or with the job's creation time read from it; changed figures, wrong files and an aggregated file.</summary>
[Collection(ApiCollection.Name)]
public sealed class CliReplayTests(ApiSiloFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-replay-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CliRunner Cli() =>
        new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);

    private static CliRunner Offline() => new CliRunner().With("MARKETPLACE_URL", "http://127.0.0.1:1/");

    [Fact]
    public async Task AnEchoJobsReceiptReplaysOfflineAndChangedFiguresOrFilesAreNamed()
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-cli-replay-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var input = Encoding.UTF8.GetBytes("replay me");
        var job = await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = input })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        var receiptFile = Path.Combine(_folder, "receipt.json");
        Assert.Equal(0, (await Cli().RunAsync("job-receipt", "--id", job.JobId, "--out", receiptFile)).ExitCode);
        var wasmFile = Path.Combine(_folder, "echo.wasm");
        await File.WriteAllBytesAsync(wasmFile, SamplePrograms.EchoWasm);
        var inputFile = Path.Combine(_folder, "input.bin");
        await File.WriteAllBytesAsync(inputFile, input);

        var replayed = await Offline().RunAsync("replay", receiptFile, "--program-file", wasmFile, "--input-file", inputFile);
        Assert.True(replayed.ExitCode == 0, replayed.ToString());
        Assert.Matches(@"fuel_consumed\s+match\s+" + job.FuelConsumed, replayed.Output);
        Assert.Equal(12, replayed.Output.Split('\n').Count(l => l.Contains(" match ", StringComparison.Ordinal)));

        // One more fuel claimed: exit 11 naming fuel_consumed, and only it.
        var moreFuel = await WriteChangedAsync(receiptFile, r => r["fuel_consumed"] = r["fuel_consumed"]!.GetValue<long>() + 1);
        var fuel = await Offline().RunAsync("replay", moreFuel, "--program-file", wasmFile, "--input-file", inputFile);
        Assert.Equal(11, fuel.ExitCode);
        Assert.Equal("error replay_mismatch: fuel_consumed differ from the receipt", fuel.ErrorLine);
        Assert.Matches(@"fuel_consumed\s+DIFFERS\s+receipt " + (job.FuelConsumed + 1) + ", replay " + job.FuelConsumed, fuel.Output);

        var otherOutput = await WriteChangedAsync(receiptFile, r => r["output_hash"] = new string('0', 64));
        var output = await Offline().RunAsync("replay", otherOutput, "--program-file", wasmFile, "--input-file", inputFile, "--json");
        Assert.Equal(11, output.ExitCode);
        var fields = JsonNode.Parse(output.Output)!["fields"]!.AsArray();
        Assert.Equal(["output_hash"], fields.Where(f => f!["status"]!.GetValue<string>() == "DIFFERS").Select(f => f!["name"]!.GetValue<string>()));

        // Another program or input: refused before running, exit 6.
        var otherWasm = Path.Combine(_folder, "kvstore.wasm");
        await File.WriteAllBytesAsync(otherWasm, SamplePrograms.KvStoreWasm);
        var wrongProgram = await Offline().RunAsync("replay", receiptFile, "--program-file", otherWasm, "--input-file", inputFile);
        Assert.Equal(6, wrongProgram.ExitCode);
        Assert.StartsWith("error wasm_hash_mismatch: the program's module hashes to ", wrongProgram.ErrorLine, StringComparison.Ordinal);
        var wrongInput = await Offline().RunAsync("replay", receiptFile, "--program-file", wasmFile, "--input-text", "something else");
        Assert.Equal(6, wrongInput.ExitCode);
        Assert.StartsWith("error input_hash_mismatch: ", wrongInput.ErrorLine, StringComparison.Ordinal);

        // The aggregated kind carries the same receipt object: it replays the same way.
        var aggregated = JsonNode.Parse(await File.ReadAllTextAsync(receiptFile))!.AsObject();
        var aggregatedFile = Path.Combine(_folder, "aggregated.json");
        await File.WriteAllTextAsync(aggregatedFile, new JsonObject
        {
            ["kind"] = "aggregated",
            ["receipt"] = aggregated["receipt"]!.DeepClone(),
            ["receipt_hash"] = aggregated["receipt_hash"]!.DeepClone(),
        }.ToJsonString());
        var fromAggregated = await Offline().RunAsync("replay", aggregatedFile, "--program-file", wasmFile, "--input-file", inputFile);
        Assert.True(fromAggregated.ExitCode == 0, fromAggregated.ToString());

        // Not a receipt, an unknown kind, a missing file.
        var bad = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(bad, "{\"kind\": \"notary\", \"receipt\": {}}");
        var unknown = await Offline().RunAsync("replay", bad, "--program-file", wasmFile, "--input-file", inputFile);
        Assert.Equal(9, unknown.ExitCode);
        Assert.Contains("kind 'notary'", unknown.ErrorLine, StringComparison.Ordinal);
        Assert.Equal(1, (await Offline().RunAsync("replay", Path.Combine(_folder, "absent.json"), "--program-file", wasmFile)).ExitCode);
    }

    [Fact]
    public async Task ARunThatReadStateReplaysWithTheStateItReadFromAFileOrTheSilo()
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "kv-cli-replay-" + Guid.NewGuid().ToString("N")[..8];
        var deployment = SamplePrograms.Echo(name, wasm: SamplePrograms.KvStoreWasm);
        (await JobApiTests.PostJsonAsync(http, "v1/programs", deployment)).EnsureSuccessStatusCode();
        var programId = SamplePrograms.ProgramIdOf(deployment);
        var put = Encoding.UTF8.GetBytes("""{"op":"put","key":"k1","data_base64":"AQID"}""");
        var second = Encoding.UTF8.GetBytes("""{"op":"put","key":"k2","data_base64":"BAU="}""");
        Assert.Equal(JobStatus.Completed, (await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = put })).JobId)).Status);
        var job = await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = second })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        var receiptFile = Path.Combine(_folder, "kv-receipt.json");
        Assert.Equal(0, (await Cli().RunAsync("job-receipt", "--id", job.JobId, "--out", receiptFile)).ExitCode);
        var receipt = ReceiptJson.Parse(await File.ReadAllBytesAsync(receiptFile)).Receipt;
        var rootIn = Convert.ToHexStringLower(receipt.StateRootIn);
        var wasmFile = Path.Combine(_folder, "kv.wasm");
        await File.WriteAllBytesAsync(wasmFile, SamplePrograms.KvStoreWasm);
        var inputFile = Path.Combine(_folder, "kv-input.bin");
        await File.WriteAllBytesAsync(inputFile, second);

        // Without the state: only the fields that do not need the run are compared, exit 12.
        var bare = await Offline().RunAsync("replay", receiptFile, "--program-file", wasmFile, "--input-file", inputFile, "--program-name", name);
        Assert.True(bare.ExitCode == 12, bare.ToString());
        Assert.Contains("replay_stateful_unsupported", bare.Error, StringComparison.Ordinal);

        // The state at the run's root, exported while the program keeps it, replays every field offline.
        var stateFile = Path.Combine(_folder, "state.json");
        var exported = await Cli().RunAsync("program-state", "--program", programId, "--root", rootIn, "--out", stateFile);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Contains($"wrote version 1 (root {rootIn}, ", exported.Output, StringComparison.Ordinal);
        var full = await Offline().RunAsync("replay", receiptFile, "--program-file", wasmFile, "--input-file", inputFile, "--program-name", name, "--state-file", stateFile);
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Equal(12, full.Output.Split('\n').Count(l => l.Contains(" match ", StringComparison.Ordinal)));

        // --from-silo fetches it; the current state (another root) is refused before running, exit 6.
        var fromSilo = await Cli().RunAsync("replay", receiptFile, "--program-file", wasmFile, "--input-file", inputFile, "--from-silo");
        Assert.True(fromSilo.ExitCode == 0, fromSilo.ToString());
        var currentFile = Path.Combine(_folder, "current.json");
        Assert.Equal(0, (await Cli().RunAsync("program-state", "--program", programId, "--out", currentFile)).ExitCode);
        var wrong = await Offline().RunAsync("replay", receiptFile, "--program-file", wasmFile, "--input-file", inputFile, "--program-name", name, "--state-file", currentFile);
        Assert.True(wrong.ExitCode == 6, wrong.ToString());
        Assert.Contains("state_root_mismatch", wrong.Error, StringComparison.Ordinal);

        // Over HTTP: a malformed root is a typed 400, a root never kept a typed 404.
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/programs/{programId}/state?root=xyz"), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/programs/{programId}/state?root={new string('0', 64)}"), 404, "state_not_kept");
        var notKept = await Cli().RunAsync("program-state", "--program", programId, "--root", new string('0', 64));
        Assert.True(notKept.ExitCode == 2, notKept.ToString());
        using var sdk = new Marketplace.Sdk.HttpMarketplaceClient(fixture.Silo.BaseAddress, ApiTestSilo.AliceKey);
        Assert.Equal(rootIn, (await sdk.GetProgramStateAsync(programId, rootIn)).Root);
        await Assert.ThrowsAsync<StateNotKeptException>(() => sdk.GetProgramStateAsync(programId, new string('1', 64)));
    }

    [Fact]
    public async Task AWasiJobWithArgsAndEnvReplaysWithItsCreationTimeFromTheSilo()
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "wordcount-cli-replay-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name, wasm: SamplePrograms.WordcountWasm))).EnsureSuccessStatusCode();
        var input = Encoding.UTF8.GetBytes("one two three\nfour\n");
        var submission = new JobSubmission { Program = name, InputInline = input, Args = ["-v"], Env = new() { ["LANG"] = "C", ["MODE"] = "fast" } };
        var job = await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, submission)).JobId);
        Assert.True(job.Status == JobStatus.Completed, job.ErrorMessage);
        var receiptFile = Path.Combine(_folder, "wasi-receipt.json");
        Assert.Equal(0, (await Cli().RunAsync("job-receipt", "--id", job.JobId, "--out", receiptFile)).ExitCode);
        var wasmFile = Path.Combine(_folder, "wordcount.wasm");
        await File.WriteAllBytesAsync(wasmFile, SamplePrograms.WordcountWasm);

        var replayed = await Cli().RunAsync(
            "replay", receiptFile, "--program-file", wasmFile, "--input-text", "one two three\nfour\n", "--arg", "-v", "--env", "MODE=fast", "--env", "LANG=C", "--from-silo");
        Assert.True(replayed.ExitCode == 0, replayed.ToString());
        Assert.Matches(@"invocation_hash\s+match\s+", replayed.Output);

        // The same offline, with the creation time given by hand.
        var offline = await Offline().RunAsync(
            "replay", receiptFile, "--program-file", wasmFile, "--input-text", "one two three\nfour\n", "--arg", "-v", "--env", "MODE=fast", "--env", "LANG=C",
            "--clock-start", job.CreatedAt.ToString("O"), "--program-name", name);
        Assert.True(offline.ExitCode == 0, offline.ToString());

        // Without the environment: another invocation.
        var noEnv = await Cli().RunAsync("replay", receiptFile, "--program-file", wasmFile, "--input-text", "one two three\nfour\n", "--arg", "-v", "--from-silo");
        Assert.Equal(11, noEnv.ExitCode);
        Assert.Contains("invocation_hash", noEnv.ErrorLine, StringComparison.Ordinal);
        Assert.DoesNotContain("pass --from-silo", noEnv.ErrorLine, StringComparison.Ordinal);

        // Offline without the creation time: the error says which options supply what the replay lacks.
        var noClock = await Offline().RunAsync(
            "replay", receiptFile, "--program-file", wasmFile, "--input-text", "one two three\nfour\n", "--arg", "-v", "--env", "MODE=fast", "--env", "LANG=C");
        Assert.Equal(11, noClock.ExitCode);
        Assert.StartsWith("error replay_mismatch: invocation_hash", noClock.ErrorLine, StringComparison.Ordinal);
        Assert.Contains("pass --from-silo to read it from the marketplace, or give what the job had with --arg, --env, --program-name, --clock-start (the job's created_at), --fuel and --memory", noClock.ErrorLine, StringComparison.Ordinal);
    }

    private async Task<string> WriteChangedAsync(string receiptFile, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(await File.ReadAllTextAsync(receiptFile))!;
        change(node["receipt"]!);
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, node.ToJsonString());
        return path;
    }
}
