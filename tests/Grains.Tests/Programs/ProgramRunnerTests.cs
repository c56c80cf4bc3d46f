using System.Buffers.Binary;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

public sealed class ProgramRunnerTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    private const string EmptyRoot = "6f6e766d2d736d742d656d7074792d6f6e766d2d736d742d656d707479212100";

    [Theory]
    [InlineData("echo_multi", "hello world", "HELLO WORLD")]
    [InlineData("echo_packed", "hello world", "hello world")]
    [InlineData("echo_sret", "hello world", "hello world")]
    [InlineData("echo_multi", "", "")]
    [InlineData("echo_sret", "", "")]
    public async Task EveryEntrypointShapeRuns(string module, string input, string expected)
    {
        var program = await fixture.DeployFreshAsync(module);
        var result = await fixture.RunAsync(program, Encoding.UTF8.GetBytes(input));
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        Assert.Equal(expected, Encoding.UTF8.GetString(result.Output.Span));
        Assert.True(result.FuelConsumed > 0 || input.Length == 0);
        Assert.Equal(EmptyRoot, result.StateRoot);
    }

    [Fact]
    public async Task LargeInputLandsInFreshPagesNotAtOffsetZero()
    {
        // echo_multi writes its output at 1024 and has 2 pages: a 100 KiB input at offset 0 would be overwritten
        // while being read. Placed in fresh pages it comes back uppercased intact.
        var program = await fixture.DeployFreshAsync("echo_multi");
        var input = new byte[100 * 1024];
        new Random(7).NextBytes(input);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (byte)('a' + (input[i] % 26));
        }

        var result = await fixture.RunAsync(program, input);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        Assert.Equal(Encoding.ASCII.GetString(input).ToUpperInvariant(), Encoding.ASCII.GetString(result.Output.Span));
    }

    [Fact]
    public async Task CommittedStateReproducesTheKvstoreGoldenRootsAndProofsVerify()
    {
        var program = await fixture.DeployFreshAsync("state");
        Assert.Equal("ok", await RunTextAsync(program, Op('P', "alpha", "Hello, KVSTORE!")));
        var put = await fixture.RunAsync(program, Op('P', "__keys", "YWxwaGE="));
        Assert.Equal(ProgramRunOutcome.Succeeded, put.Outcome);

        // seeds.md §4.4: the kvstore's state after put.
        Assert.Equal("01dee219f5367c8b3c38d2277f169b524cc39a42cdb453549672ff2abf7991f9", put.StateRoot);
        var root = await fixture.RunAsync(program, Op('R', "", ""));
        Assert.Equal(put.StateRoot, Convert.ToHexStringLower(root.Output.Span));

        var stateGrain = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);
        var snapshot = await stateGrain.GetSnapshotAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(put.StateRoot, snapshot.Root);
        Assert.Equal(["__keys", "alpha"], snapshot.Entries.Select(e => Encoding.UTF8.GetString(e.Key)));
        var proof = await stateGrain.GetProofAsync(Encoding.UTF8.GetBytes("alpha"));
        Assert.Equal("Hello, KVSTORE!", Encoding.UTF8.GetString(proof.Value!));
        Assert.True(StateProofs.Verify(proof, put.StateRoot));
        var absent = await stateGrain.GetProofAsync(Encoding.UTF8.GetBytes("beta"));
        Assert.Null(absent.Value);
        Assert.True(StateProofs.Verify(absent, put.StateRoot));
        proof.Value = Encoding.UTF8.GetBytes("Hello, KVSTORE?");
        Assert.False(StateProofs.Verify(proof, put.StateRoot));
        Assert.Throws<ArgumentException>(() => StateProofs.Verify(proof, ""));

        // clear = empty values, which are stored, not deleted.
        await RunTextAsync(program, Op('P', "alpha", ""));
        var cleared = await fixture.RunAsync(program, Op('P', "__keys", ""));
        Assert.Equal("1b788c33a610470e3ab20210dbebff6c0cd5508adf726857478b5edd5bfc651a", cleared.StateRoot);
        var get = await fixture.RunAsync(program, Op('G', "alpha", ""));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(get.Output.Span));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(get.Output.Span[4..]));
        Assert.Equal(1, Int32Of(await fixture.RunAsync(program, Op('E', "alpha", ""))));
        Assert.Equal(0L, BinaryPrimitives.ReadInt64LittleEndian((await fixture.RunAsync(program, Op('N', "alpha", ""))).Output.Span));

        // delete really removes.
        await RunTextAsync(program, Op('D', "alpha", ""));
        Assert.Equal(0, Int32Of(await fixture.RunAsync(program, Op('E', "alpha", ""))));
        Assert.Equal(-1L, BinaryPrimitives.ReadInt64LittleEndian((await fixture.RunAsync(program, Op('N', "alpha", ""))).Output.Span));
    }

    [Fact]
    public async Task WritesThenTrapLeavesStateUnchanged()
    {
        // seeds.md A17.
        var program = await fixture.DeployFreshAsync("state");
        var first = await fixture.RunAsync(program, Op('P', "k", "v1"));
        var trapped = await fixture.RunAsync(program, Op('T', "k", "v2"));
        Assert.Equal(ProgramRunOutcome.Trapped, trapped.Outcome);
        Assert.Contains("unreachable", trapped.Error, StringComparison.Ordinal);
        Assert.Equal(first.StateRoot, trapped.StateRoot);
        var snapshot = await fixture.Grains.GetGrain<IProgramStateGrain>(program.Id).GetSnapshotAsync();
        Assert.Equal(1, snapshot.Version);
        Assert.Equal("v1", Encoding.UTF8.GetString(snapshot.Entries.Single().Value));
    }

    [Fact]
    public async Task StateGetAnswersMinusNeededThenTheValue()
    {
        var program = await fixture.DeployFreshAsync("state");
        await RunTextAsync(program, Op('P', "key", "0123456789"));
        var get = await fixture.RunAsync(program, Op('G', "key", ""));
        var span = get.Output.Span;
        Assert.Equal(-10, BinaryPrimitives.ReadInt32LittleEndian(span));
        Assert.Equal(10, BinaryPrimitives.ReadInt32LittleEndian(span[4..]));
        Assert.Equal("0123456789", Encoding.ASCII.GetString(span[8..]));

        var missing = await fixture.RunAsync(program, Op('G', "nope", ""));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(missing.Output.Span));
    }

    [Fact]
    public async Task ReadsSeeTheOverlayAndTheRootIncludesIt()
    {
        var program = await fixture.DeployFreshAsync("state");
        await RunTextAsync(program, Op('P', "a", "committed"));
        var result = await fixture.RunAsync(program, Op('W', "b", "pending"));
        var span = result.Output.Span;
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(span));
        Assert.Equal("pending", Encoding.ASCII.GetString(span[36..]));
        Assert.Equal(result.StateRoot, Convert.ToHexStringLower(span[4..36]));

        var list = await fixture.RunAsync(program, Op('L', "", ""));
        Assert.Equal(2 * (4 + 1), Int32Of(list));
        Assert.Equal([1, 0, 0, 0, (byte)'a', 1, 0, 0, 0, (byte)'b'], list.Output.Span[4..].ToArray());
    }

    [Fact]
    public async Task InfiniteLoopRunsOutOfFuelAtExactlyTheBudget()
    {
        var program = await fixture.DeployFreshAsync("loop");
        var result = await fixture.RunAsync(program, [], maxFuel: 2_000_000);
        Assert.Equal(ProgramRunOutcome.OutOfFuel, result.Outcome);
        Assert.Equal(2_000_000, result.FuelConsumed);
        Assert.Contains("out of fuel", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryBombHitsTheMemoryLimit()
    {
        var program = await fixture.DeployFreshAsync("memory_bomb");
        var result = await fixture.RunAsync(program, [], maxMemoryBytes: 8L * 1024 * 1024);
        Assert.Equal(ProgramRunOutcome.OutOfMemory, result.Outcome);
        Assert.Contains("memory limit of 8388608 bytes", result.Error, StringComparison.Ordinal);

        // An input that cannot fit under the limit is refused the same way.
        var echo = await fixture.DeployFreshAsync("echo_multi");
        var tooBig = await fixture.RunAsync(echo, new byte[200 * 1024], maxMemoryBytes: 256 * 1024);
        Assert.True(ProgramRunOutcome.OutOfMemory == tooBig.Outcome, tooBig.Error);
    }

    [Fact]
    public async Task LogLinesStopAtTheLimitWithOneMarker()
    {
        var program = await fixture.DeployFreshAsync("state");
        var result = await fixture.RunAsync(program, Op('O', "", BitConverter.GetBytes(500)));
        Assert.Equal(ProgramRunOutcome.Succeeded, result.Outcome);
        Assert.Equal(ProgramsSiloFixture.MaxLogLines + 1, result.Logs.Count);
        Assert.All(result.Logs.Take(ProgramsSiloFixture.MaxLogLines), l => Assert.Equal(("info", "log line!!"), (l.Level, l.Message)));
        Assert.Contains("log limit reached", result.Logs[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputOutsideMemoryIsATrapWithAClearError()
    {
        var program = await fixture.DeployFreshAsync("bad_output");
        var result = await fixture.RunAsync(program, []);
        Assert.Equal(ProgramRunOutcome.Trapped, result.Outcome);
        Assert.Contains("outside linear memory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPastItsTimeoutStopsAsTimedOut()
    {
        // Spinning through SHA-256 host calls, the full budget would take many seconds.
        var program = await fixture.DeployFreshAsync("state");
        // A first short run compiles the module and loads the state, so the timed run spends its time in wasm even
        // on a machine busy with other work.
        var warm = await fixture.RunAsync(program, Spin, maxFuel: 10_000, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(ProgramRunOutcome.OutOfFuel, warm.Outcome);
        var result = await fixture.RunAsync(program, Spin, maxFuel: 500_000_000, timeout: TimeSpan.FromMilliseconds(300));
        Assert.Equal(ProgramRunOutcome.TimedOut, result.Outcome);
        Assert.Equal("timed out after 300 ms", result.Error);
        // Really interrupted: the budget would take far longer than the limit; the run stopped well short of it.
        Assert.True(result.FuelConsumed is > 0 and < 500_000_000, $"fuel {result.FuelConsumed}");
        Assert.True(result.Duration < TimeSpan.FromSeconds(5), $"took {result.Duration}");
    }

    [Fact]
    public async Task CancellationStopsTheRun()
    {
        var program = await fixture.DeployFreshAsync("state");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var result = await fixture.RunAsync(program, Spin, maxFuel: 500_000_000, cancellationToken: cancel.Token);
        Assert.Equal(ProgramRunOutcome.Cancelled, result.Outcome);
        Assert.True(result.FuelConsumed < 500_000_000, $"fuel {result.FuelConsumed}");

        // The runner (and its thread) serve the next run normally.
        var echo = await fixture.DeployFreshAsync("echo_multi");
        Assert.Equal(ProgramRunOutcome.Succeeded, (await fixture.RunAsync(echo, "x"u8.ToArray())).Outcome);
    }

    [Fact]
    public async Task MissingProgramIsAnOutcome()
    {
        var result = await fixture.Runner.RunAsync(
            new ProgramRunRequest
            {
                ProgramId = "prog" + new string('e', 64),
                Input = Array.Empty<byte>(),
                MaxFuel = 1000,
                MaxMemoryBytes = 1 << 20,
                Timeout = TimeSpan.FromSeconds(5),
            },
            CancellationToken.None);
        Assert.Equal(ProgramRunOutcome.MissingProgram, result.Outcome);
    }

    [Fact]
    public async Task CapabilityGatedClockRuns()
    {
        var manifest = ProgramsSiloFixture.Manifest("clock");
        manifest.Capabilities = ["time"];
        manifest.Salt = "02";
        var program = await fixture.DeployAsync(ProgramsSiloFixture.Module("clock"), manifest);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = await fixture.RunAsync(program, []);
        var now = BinaryPrimitives.ReadInt64LittleEndian(result.Output.Span);
        Assert.InRange(now, before - 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1);
    }

    [Fact]
    public async Task ConflictingCommitReRunsOnTheNewState()
    {
        var program = await fixture.DeployFreshAsync("state");
        var stateGrain = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);

        // The run reads counter = 0; the moment it has, another writer commits counter = 41 and "nospin". The run's
        // commit is refused, it re-runs on the new state (no spin) and writes 42.
        var other = fixture.CompetingCommit.ArmAsync(program.Id, 0,
        [
            new StateWrite { Key = Encoding.ASCII.GetBytes("counter"), Value = BitConverter.GetBytes(41L) },
            new StateWrite { Key = Encoding.ASCII.GetBytes("nospin"), Value = [] },
        ]);
        var result = await fixture.RunAsync(program, Op('C', "", BitConverter.GetBytes(1_000)), maxFuel: 500_000_000);
        Assert.True((await other.WaitAsync(TimeSpan.FromSeconds(30))).Committed);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        Assert.Equal(42L, BinaryPrimitives.ReadInt64LittleEndian(result.Output.Span));
        Assert.Contains(result.Logs, l => l.Message.Contains("re-running on the new state", StringComparison.Ordinal));
        var snapshot = await stateGrain.GetSnapshotAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(result.StateRoot, snapshot.Root);
    }

    [Fact]
    public async Task A_jobs_run_whose_state_moved_only_where_it_did_not_read_commits_on_the_new_state_without_running_again()
    {
        var program = await fixture.DeployFreshAsync("state");
        var stateGrain = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);

        // The run reads "counter" and "nospin"; the moment it has, another commit writes only "other". The run's
        // writes apply on top of that commit (no second run), and its receipt's state root in is the newer state's.
        var other = fixture.CompetingCommit.ArmAsync(program.Id, 0, [new StateWrite { Key = Encoding.ASCII.GetBytes("other"), Value = [7] }]);
        var result = await RunJobAsync(program, "job-disjoint", Op('C', "", BitConverter.GetBytes(1_000)));
        var landed = await other.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(landed.Committed);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        Assert.Equal(1L, BinaryPrimitives.ReadInt64LittleEndian(result.Output.Span));
        Assert.Contains(result.Logs, l => l.Message.Contains("without touching what it read", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Logs, l => l.Message.Contains("re-running", StringComparison.Ordinal));
        var snapshot = await stateGrain.GetSnapshotAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(result.StateRoot, snapshot.Root);
        Assert.Equal(landed.Root, result.Provenance!.StateRootIn);
        Assert.Equal([7], snapshot.Entries.Single(e => e.Key.AsSpan().SequenceEqual("other"u8)).Value);
    }

    [Fact]
    public async Task A_jobs_run_runs_again_when_a_commit_wrote_what_it_read_or_it_read_the_whole_state()
    {
        // A key it read: the counter.
        var program = await fixture.DeployFreshAsync("state");
        var other = fixture.CompetingCommit.ArmAsync(program.Id, 0, [new StateWrite { Key = Encoding.ASCII.GetBytes("counter"), Value = BitConverter.GetBytes(41L) }]);
        var result = await RunJobAsync(program, "job-read-key", Op('C', "", BitConverter.GetBytes(1_000)));
        Assert.True((await other.WaitAsync(TimeSpan.FromSeconds(30))).Committed);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        Assert.Equal(42L, BinaryPrimitives.ReadInt64LittleEndian(result.Output.Span));
        Assert.Contains(result.Logs, l => l.Message.Contains("re-running on the new state", StringComparison.Ordinal));

        // The whole state: a run that writes a key and asks for the state root, with a commit of an unrelated key in
        // between. The root it saw must be the root its write makes, so it runs again on the newer state.
        var rooted = await fixture.DeployFreshAsync("state");
        other = fixture.CompetingCommit.ArmAsync(rooted.Id, 0, [new StateWrite { Key = Encoding.ASCII.GetBytes("other"), Value = [7] }]);
        result = await RunJobAsync(rooted, "job-root", Op('W', "mine", "v"));
        Assert.True((await other.WaitAsync(TimeSpan.FromSeconds(30))).Committed);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        Assert.Contains(result.Logs, l => l.Message.Contains("re-running on the new state", StringComparison.Ordinal));
        var snapshot = await fixture.Grains.GetGrain<IProgramStateGrain>(rooted.Id).GetSnapshotAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(snapshot.Root, Convert.ToHexStringLower(result.Output.Span.Slice(4, 32)));
    }

    private Task<ProgramRunResult> RunJobAsync(ProgramInfo program, string jobId, byte[] input) =>
        fixture.Runner.RunAsync(
            new ProgramRunRequest
            {
                ProgramId = program.Id,
                Input = input,
                MaxFuel = 500_000_000,
                MaxMemoryBytes = 64L * 1024 * 1024,
                Timeout = TimeSpan.FromSeconds(30),
                JobId = jobId,
                StartTime = DateTimeOffset.UtcNow,
            },
            CancellationToken.None);

    private static byte[] Spin => Op('C', "", BitConverter.GetBytes(int.MaxValue));

    private async Task<string> RunTextAsync(ProgramInfo program, byte[] input)
    {
        var result = await fixture.RunAsync(program, input);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        return Encoding.UTF8.GetString(result.Output.Span);
    }

    private static int Int32Of(ProgramRunResult result) => BinaryPrimitives.ReadInt32LittleEndian(result.Output.Span);

    private static byte[] Op(char op, string key, string rest) => Op(op, key, Encoding.UTF8.GetBytes(rest));

    private static byte[] Op(char op, string key, byte[] rest)
    {
        var k = Encoding.UTF8.GetBytes(key);
        return [(byte)op, (byte)k.Length, .. k, .. rest];
    }
}
