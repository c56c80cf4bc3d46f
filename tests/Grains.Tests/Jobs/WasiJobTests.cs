using System.Buffers.Binary;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Execution.Wasi;
using Marketplace.Grains.Tests.Samples;
using Wasmtime;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>WASI preview 1 programs deployed and run as jobs on a real silo: stdin is the job input, stdout the
/// output, stderr the log; args, env, the logical clock and the exit code come from and go to the job.</summary>
public sealed class WasiJobTests(ITestOutputHelper output)
{
    /// <summary>Prints argv, then environ (each as WASI lays them out: NUL-terminated, back to back), then the
    /// CLOCK_REALTIME reading at start (8 bytes little-endian) to stdout, and one line to stderr.</summary>
    internal static readonly string ArgsEnvClockWat = Wat.Module("""
        (data (i32.const 3000) "hello from stderr\n")
        (func (export "_start")
          (drop (call $args_sizes_get (i32.const 1100) (i32.const 1104)))
          (drop (call $args_get (i32.const 1200) (i32.const 8192)))
          (drop (call $write (i32.const 1) (i32.const 8192) (i32.load (i32.const 1104))))
          (drop (call $environ_sizes_get (i32.const 1108) (i32.const 1112)))
          (drop (call $environ_get (i32.const 1600) (i32.const 16384)))
          (drop (call $write (i32.const 1) (i32.const 16384) (i32.load (i32.const 1112))))
          (drop (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 1400)))
          (drop (call $write (i32.const 1) (i32.const 1400) (i32.const 8)))
          (drop (call $write (i32.const 2) (i32.const 3000) (i32.const 18))))
        """);

    [Fact]
    public async Task WordcountRunsAsAJobWithItsGoldenOutputAndTheSameFuelTwice()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var wasm = SamplePrograms.Wasm("wordcount");
        var program = await DeployAsync(silo, wasm, "wordcount");
        var info = await silo.Grains.GetGrain<IProgramGrain>(program).GetInfoAsync();
        Assert.Equal(ProgramAbiNames.Wasi, info!.Abi);
        Assert.Contains("fd_write", info.Imports);

        var input = SamplePrograms.Input("wordcount", "input.txt");
        var expected = File.ReadAllText(SamplePrograms.PathOf("wordcount/expected.txt"));
        var first = await RunAsync(silo, JobsKit.Job(program, s => s.InputInline = input));
        var second = await RunAsync(silo, JobsKit.Job(program, s => s.InputInline = input));
        output.WriteLine($"fuel {first.Job.FuelConsumed} and {second.Job.FuelConsumed}: {Encoding.UTF8.GetString(first.Output)}");
        Assert.Equal(expected, Encoding.UTF8.GetString(first.Output));
        Assert.Equal(first.Output, second.Output);
        Assert.True(first.Job.FuelConsumed > 0);
        Assert.Equal(first.Job.FuelConsumed, second.Job.FuelConsumed);
    }

    [Fact]
    public async Task ArgsEnvAndTheJobsCreationTimeReachTheProgramAndStderrReachesTheLog()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeployAsync(silo, Module.ConvertText(ArgsEnvClockWat), "wasi-args");
        var (job, stdout) = await RunAsync(silo, JobsKit.Job(program, s =>
        {
            s.Args = ["one", "two words", "--flag=é"];
            s.Env = new Dictionary<string, string> { ["ZED"] = "last", ["ALPHA"] = "a=b" };
        }));

        var text = Encoding.UTF8.GetString(stdout.AsSpan(0, stdout.Length - 8));
        Assert.Equal("wasi-args\0one\0two words\0--flag=é\0ALPHA=a=b\0ZED=last\0", text);
        var realtime = BinaryPrimitives.ReadUInt64LittleEndian(stdout.AsSpan(stdout.Length - 8));
        Assert.Equal((ulong)(job.CreatedAt - DateTimeOffset.UnixEpoch).Ticks * 100, realtime);
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, l => l.Message == "hello from stderr" && l.Attempt == 1);
        Assert.Equal((await silo.Grains.GetGrain<IProgramStateGrain>(program).GetSnapshotAsync()).Root, job.StateRoot);
    }

    [Fact]
    public async Task AProgramExitingWithThreeFailsTheJobWithTheExitCodeInTheError()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeployAsync(silo, Module.ConvertText(Wat.Start("(call $emit (i32.const 65)) (call $proc_exit (i32.const 3))")), "wasi-exit");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.MaxRetries = 2));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Failed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(FailureReason.ExecutionError, done.FailureReason);
        Assert.StartsWith("exit code 3", done.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, done.RetryCount); // deterministic: the same run would exit 3 again
        Assert.Null(done.OutputBlobId);
    }

    [Fact]
    public async Task AWasiRunPastItsTimeoutIsInterruptedLikeAnOnvmRun()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await DeployAsync(silo, Module.ConvertText(Wat.Start("(loop $forever (br $forever))")), "wasi-loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.MaxFuel = JobLimits.MaxFuel; s.TimeoutMs = 30; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.TimedOut, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(FailureReason.Timeout, done.FailureReason);
        Assert.InRange(done.FuelConsumed, 0, JobLimits.MaxFuel - 1);
        await silo.WaitIdleAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AWasiModuleImportingAnUnsupportedFunctionIsRejectedAtDeployWithItsName()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var wasm = Module.ConvertText("""
            (module
              (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "_start")))
            """);
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => DeployAsync(silo, wasm, "wasi-sock"));
        Assert.Contains("import wasi_snapshot_preview1.sock_accept: not provided", e.Message, StringComparison.Ordinal);

        var noStart = Module.ConvertText("""(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (memory (export "memory") 1))""");
        e = await Assert.ThrowsAsync<ProgramRejectedException>(() => DeployAsync(silo, noStart, "wasi-nostart"));
        Assert.Contains("export _start", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("args", "args: 65 arguments, at most 64")]
    [InlineData("nul-arg", "args[1]: must be a string without NUL")]
    [InlineData("long-arg", "args[0]: 4097 bytes of UTF-8, at most 4096")]
    [InlineData("env-key", "env: key 'A=B' must be non-empty without '=' or NUL")]
    [InlineData("env-empty-key", "env: key '' must be non-empty")]
    [InlineData("env-nul-value", "env[K]: the value must be a string without NUL")]
    [InlineData("env-count", "env: 65 entries, at most 64")]
    [InlineData("env-long", "env[K]: KEY=VALUE is 4098 bytes of UTF-8, at most 4096")]
    public void BadArgsOrEnvAreRefusedNamingTheField(string invalid, string expected)
    {
        var submission = JobsKit.Job("wordcount@latest", s =>
        {
            switch (invalid)
            {
                case "args": s.Args = [.. Enumerable.Range(0, 65).Select(i => $"a{i}")]; break;
                case "nul-arg": s.Args = ["ok", "bad\0"]; break;
                case "long-arg": s.Args = [new string('x', 4097)]; break;
                case "env-key": s.Env = new() { ["A=B"] = "1" }; break;
                case "env-empty-key": s.Env = new() { [""] = "1" }; break;
                case "env-nul-value": s.Env = new() { ["K"] = "v\0" }; break;
                case "env-count": s.Env = Enumerable.Range(0, 65).ToDictionary(i => $"K{i}", _ => "v"); break;
                case "env-long": s.Env = new() { ["K"] = new string('v', 4096) }; break;
            }
        });
        var e = Assert.Throws<InvalidRequestException>(() => Marketplace.Grains.Jobs.JobSubmissionValidator.Validate(JobIds.For(submission.ClientId, null), submission));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgsAndEnvAtTheirLimitsAreAccepted()
    {
        var submission = JobsKit.Job("wordcount@latest", s =>
        {
            s.Args = [.. Enumerable.Range(0, 64).Select(_ => new string('x', 4096))];
            s.Env = Enumerable.Range(0, 64).ToDictionary(i => $"K{i:D2}", _ => new string('v', 4092));
        });
        Marketplace.Grains.Jobs.JobSubmissionValidator.Validate(JobIds.For(submission.ClientId, null), submission);
    }

    private static async Task<string> DeployAsync(MarketplaceTestSilo silo, byte[] wasm, string name)
    {
        var manifest = new ProgramManifest { Name = name, Version = "1.0.0" };
        var deployment = ProgramDeployments.Create(wasm, manifest, Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646"));
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        return (await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo)).Id;
    }

    /// <summary>Submits, waits until the job completed and reads its output blob.</summary>
    private static async Task<(JobInfo Job, byte[] Output)> RunAsync(MarketplaceTestSilo silo, JobSubmission submission)
    {
        var job = await silo.Grains.SubmitAsync(submission);
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        if (done.OutputBlobId is null)
        {
            return (done, []);
        }

        var blob = silo.Grains.GetGrain<IBlobGrain>(done.OutputBlobId);
        var size = (await blob.GetManifestAsync(BlobCaller.Silo))!.Size;
        return (done, await blob.ReadRangeAsync(BlobCaller.Silo, 0, (int)size));
    }
}
