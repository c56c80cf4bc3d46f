using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Tests.Samples;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary><see cref="ReceiptReplay"/> against receipts of real jobs run by a worker on a real silo: an honest
/// receipt replays field for field; changed figures are named; wrong module or input bytes are refused; a run that
/// read program state is reported as not replayable; a WASI job's invocation hash is reproduced from its args, env
/// and creation time.</summary>
public sealed class ReceiptReplayTests : IDisposable
{
    private readonly ReceiptReplay _replay = new();

    public void Dispose() => _replay.Dispose();

    [Fact]
    public async Task AnEchoJobsReceiptReplaysAndChangedFiguresAreNamed()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeployAsync(silo, "echo");
        var input = Encoding.UTF8.GetBytes("hello replay");
        var (receipt, _) = await RunAsync(silo, program, s => s.InputInline = input);
        var wasm = SamplePrograms.Wasm("echo");

        var report = await _replay.ReplayAsync(receipt, new ReceiptReplayRequest { Wasm = wasm, Input = input });
        Assert.True(report.AllMatch, Describe(report));
        Assert.Equal("HELLO REPLAY", Encoding.UTF8.GetString(report.Output.Span));
        Assert.Equal(12, report.Fields.Count);
        Assert.Equal(_replay.EngineConfigDigest, Convert.ToHexStringLower(receipt.EngineConfigDigest));

        // A receipt claiming one more fuel: exactly fuel_consumed differs, with both values.
        var moreFuel = Copy(receipt, r => r.FuelConsumed++);
        var fuel = await _replay.ReplayAsync(moreFuel, new ReceiptReplayRequest { Wasm = wasm, Input = input });
        var differs = Assert.Single(fuel.Differences);
        Assert.Equal(("fuel_consumed", (receipt.FuelConsumed + 1).ToString(), receipt.FuelConsumed.ToString()), (differs.Name, differs.Receipt, differs.Replayed));

        // A receipt claiming another output.
        var otherOutput = Copy(receipt, r => r.OutputHash = SHA256.HashData("HELLO FORGED"u8));
        var output = await _replay.ReplayAsync(otherOutput, new ReceiptReplayRequest { Wasm = wasm, Input = input });
        Assert.Equal("output_hash", Assert.Single(output.Differences).Name);

        // Another module or input is refused before anything runs.
        var wrongProgram = await Assert.ThrowsAsync<ReceiptReplayException>(() =>
            _replay.ReplayAsync(receipt, new ReceiptReplayRequest { Wasm = SamplePrograms.Wasm("kvstore"), Input = input }));
        Assert.Equal(ReceiptReplayRefusal.WasmHashMismatch, wrongProgram.Refusal);
        Assert.Contains(Convert.ToHexStringLower(receipt.WasmHash), wrongProgram.Message, StringComparison.Ordinal);
        var wrongInput = await Assert.ThrowsAsync<ReceiptReplayException>(() =>
            _replay.ReplayAsync(receipt, new ReceiptReplayRequest { Wasm = wasm, Input = "hello"u8.ToArray() }));
        Assert.Equal(ReceiptReplayRefusal.InputHashMismatch, wrongInput.Refusal);
    }

    [Fact]
    public async Task AnOutOfFuelReceiptReplaysWithItsBudget()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeployAsync(silo, "echo");
        var input = Encoding.UTF8.GetBytes("a long enough input to need more than a hundred fuel");
        var (receipt, _) = await RunAsync(silo, program, s => { s.InputInline = input; s.MaxFuel = 100; }, JobStatus.Failed);
        Assert.Equal(ReceiptOutcome.OutOfFuel, receipt.Outcome);

        var report = await _replay.ReplayAsync(receipt, new ReceiptReplayRequest { Wasm = SamplePrograms.Wasm("echo"), Input = input });
        Assert.True(report.AllMatch, Describe(report));

        // Claiming completion instead: with the job's budget the replay runs out of fuel; without it (the receipt
        // does not name the budget) the replay completes, and its output and fuel are not the receipt's.
        var claimed = Copy(receipt, r => r.Outcome = ReceiptOutcome.Completed);
        var withBudget = await _replay.ReplayAsync(claimed, new ReceiptReplayRequest { Wasm = SamplePrograms.Wasm("echo"), Input = input, MaxFuel = 100 });
        var differs = Assert.Single(withBudget.Differences);
        Assert.Equal(("outcome", "completed", "out_of_fuel"), (differs.Name, differs.Receipt, differs.Replayed));
        var withoutBudget = await _replay.ReplayAsync(claimed, new ReceiptReplayRequest { Wasm = SamplePrograms.Wasm("echo"), Input = input });
        Assert.Equal(["output_hash", "fuel_consumed"], withoutBudget.Differences.Select(f => f.Name));
    }

    [Fact]
    public async Task AStatefulProgramReplaysFromTheEmptyStateAndIsNotReplayedOnAnother()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeployAsync(silo, "kvstore");
        var wasm = SamplePrograms.Wasm("kvstore");
        var put = SamplePrograms.Input("kvstore", "kv_put.json");
        var (first, _) = await RunAsync(silo, program, s => s.InputInline = put);

        // The first run read the empty state: its writes and the root they leave are replayed.
        var replayed = await _replay.ReplayAsync(first, new ReceiptReplayRequest { Wasm = wasm, Input = put });
        Assert.True(replayed.AllMatch, Describe(replayed));
        Assert.NotEqual(ReceiptReplay.EmptyStateRoot, Convert.ToHexStringLower(first.StateRootOut));

        // The second read the state the first left, which the marketplace does not export: not replayed.
        var list = SamplePrograms.Input("kvstore", "list.json");
        var (second, _) = await RunAsync(silo, program, s => s.InputInline = list);
        var stateful = await _replay.ReplayAsync(second, new ReceiptReplayRequest { Wasm = wasm, Input = list });
        Assert.True(stateful.StatefulNotSupported);
        Assert.False(stateful.AllMatch);
        Assert.Empty(stateful.Differences);
        Assert.Equal(
            ["outcome", "state_root_in", "output_hash", "fuel_consumed", "state_root_out"],
            stateful.Fields.Where(f => f.Status == ReplayFieldStatus.NotReplayed).Select(f => f.Name));
    }

    [Fact]
    public async Task AWasiJobWithArgsAndEnvReplaysItsInvocation()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeployAsync(silo, "wordcount");
        var input = SamplePrograms.Input("wordcount", "input.txt");
        var args = new[] { "-v" };
        var env = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" };
        var (receipt, job) = await RunAsync(silo, program, s => { s.InputInline = input; s.Args = [.. args]; s.Env = new(env); });
        Assert.Equal(ReceiptAbi.Wasi, receipt.Abi);
        var info = await silo.Grains.GetGrain<IProgramGrain>(program).GetInfoAsync();

        var request = new ReceiptReplayRequest
        {
            Wasm = SamplePrograms.Wasm("wordcount"),
            Input = input,
            Program = info,
            Arguments = args,
            Environment = env,
            ClockStart = job.CreatedAt,
        };
        var report = await _replay.ReplayAsync(receipt, request);
        Assert.True(report.AllMatch, Describe(report));

        // Other arguments, or the job's creation time left out: another invocation.
        var otherArgs = await _replay.ReplayAsync(receipt, new ReceiptReplayRequest
        {
            Wasm = request.Wasm,
            Input = input,
            Program = info,
            Arguments = ["-w"],
            Environment = env,
            ClockStart = job.CreatedAt,
        });
        Assert.Contains("invocation_hash", otherArgs.Differences.Select(f => f.Name));
        var noClock = await _replay.ReplayAsync(receipt, new ReceiptReplayRequest { Wasm = request.Wasm, Input = input, Program = info, Arguments = args, Environment = env });
        Assert.Contains("invocation_hash", noClock.Differences.Select(f => f.Name));
    }

    private static async Task<string> DeployAsync(MarketplaceTestSilo silo, string name)
    {
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm(name), new ProgramManifest { Name = name, Version = "1.0.0" }, JobsKit.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        return (await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo)).Id;
    }

    private static async Task<(ExecutionReceipt Receipt, JobInfo Job)> RunAsync(
        MarketplaceTestSilo silo, string program, Action<JobSubmission> change, JobStatus expected = JobStatus.Completed)
    {
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, change));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == expected, await silo.Grains.DescribeAsync(job.JobId));
        var signed = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetReceiptAsync(JobsKit.Client);
        return (signed.Receipt, done);
    }

    private static ExecutionReceipt Copy(ExecutionReceipt receipt, Action<ExecutionReceipt> change)
    {
        var copy = ReceiptCodec.Decode(ReceiptCodec.Encode(receipt));
        change(copy);
        return copy;
    }

    private static string Describe(ReceiptReplayReport report) =>
        string.Join("; ", report.Fields.Select(f => $"{f.Name} {f.Status}: receipt {f.Receipt}, replay {f.Replayed}")) + $"; error {report.Error}";
}
