using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Samples;

/// <summary>
/// Acceptance: the sample programs deployed through <see cref="IProgramGrain"/> with a signed deployment and run by
/// the real <see cref="IProgramRunner"/> on a real silo reproduce ONVM's golden outputs, including the kvstore state
/// roots of seeds.md §4.4 (scenario A25), and a failed run leaves the state unchanged.
/// </summary>
public sealed class SampleProgramRunnerTests(SampleSiloFixture fixture, ITestOutputHelper output) : IClassFixture<SampleSiloFixture>
{
    private const string AlphaChecksum = "840a44395252bd4175f63ee89d291e1200a83c888b2ff2dfb586f3ffc945380a";
    private const string RootAfterPut = "01dee219f5367c8b3c38d2277f169b524cc39a42cdb453549672ff2abf7991f9";
    private const string RootAfterClear = "1b788c33a610470e3ab20210dbebff6c0cd5508adf726857478b5edd5bfc651a";

    [Fact]
    public async Task EchoGolden()
    {
        var program = await fixture.DeployAsync("echo");
        Assert.Equal(EntrypointShape.MultiValue, program.EntrypointShape);
        var result = await fixture.RunAsync(program, SamplePrograms.Input("echo", "input.txt"));
        Assert.Equal(ProgramRunOutcome.Succeeded, result.Outcome);
        Assert.Equal("HELLO WORLD", Encoding.ASCII.GetString(result.Output.Span));
        Assert.True(result.FuelConsumed > 0);
        output.WriteLine($"echo 'hello world': fuel {result.FuelConsumed}, module {SamplePrograms.Wasm("echo").Length} bytes");
    }

    [Fact]
    public async Task KvStoreGoldenSequenceWithStateRoots()
    {
        var program = await fixture.DeployAsync("kvstore");
        Assert.Equal(["onvm_state_get", "onvm_state_put"], program.Imports.Order(StringComparer.Ordinal));

        async Task<(string Output, string Root)> Run(string file)
        {
            var result = await fixture.RunAsync(program, SamplePrograms.Input("kvstore", file));
            Assert.True(result.Outcome == ProgramRunOutcome.Succeeded, $"{file}: {result.Outcome} {result.Error}");
            Assert.True(result.FuelConsumed > 0);
            output.WriteLine($"{file}: fuel {result.FuelConsumed}");
            return (Encoding.UTF8.GetString(result.Output.Span), result.StateRoot);
        }

        var put = await Run("kv_put.json");
        Assert.Equal($$"""{"status":"okput","key":"alpha","size":15,"checksum":"{{AlphaChecksum}}"}""", put.Output);
        Assert.Equal(RootAfterPut, put.Root);

        var state = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);
        var proof = await state.GetProofAsync("__keys"u8.ToArray());
        Assert.Equal("YWxwaGE=", Encoding.ASCII.GetString(proof.Value!));

        var get = await Run("kv_get.json");
        Assert.Equal(
            $$"""{"status":"okget","key":"alpha","size":15,"checksum":"{{AlphaChecksum}}","data_base64":"SGVsbG8sIEtWU1RPUkUh"}""",
            get.Output);
        Assert.Equal(RootAfterPut, get.Root);
        Assert.Equal($$"""{"status":"oklist","entries":[{"key":"alpha","size":15,"checksum":"{{AlphaChecksum}}"}]}""", (await Run("list.json")).Output);
        Assert.Equal(
            """{"status":"okstats","total_keys":1,"total_bytes":15,"checksum":"1e15bcd287e450ef367515c10914b5591a70e39086f1cb3335a964c499a850ad"}""",
            (await Run("kv_stats.json")).Output);

        var clear = await Run("kv_clear.json");
        Assert.Equal("""{"status":"okclear","removed":1}""", clear.Output);
        Assert.Equal(RootAfterClear, clear.Root);
        Assert.Equal("""{"status":"err","message":"missing key"}""", (await Run("kv_get.json")).Output);
        Assert.Equal("""{"status":"oklist","entries":[]}""", (await Run("list.json")).Output);
        Assert.Equal(RootAfterClear, (await fixture.RunAsync(program, SamplePrograms.Input("kvstore", "list.json"))).StateRoot);
    }

    [Fact]
    public async Task CounterAddsOnePerRunAndRefusesBadNames()
    {
        var program = await fixture.DeployAsync("counter");
        Assert.Equal(["onvm_state_get", "onvm_state_put"], program.Imports.Order(StringComparer.Ordinal));
        async Task<string> Run(byte[] input)
        {
            var result = await fixture.RunAsync(program, input);
            Assert.True(result.Outcome == ProgramRunOutcome.Succeeded, $"{result.Outcome} {result.Error}");
            return Encoding.ASCII.GetString(result.Output.Span);
        }

        for (var expected = 1; expected <= 12; expected++)
        {
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), await Run("job-a"u8.ToArray()));
        }

        Assert.Equal("1", await Run("job-b"u8.ToArray()));
        var state = fixture.Grains.GetGrain<IProgramStateGrain>(program.Id);
        Assert.Equal(BitConverter.GetBytes(12L), (await state.GetProofAsync("job-a"u8.ToArray())).Value);
        var rootBefore = (await state.GetProofAsync("job-a"u8.ToArray())).Root;

        // A name that is empty or over 256 bytes is refused and writes nothing; 256 bytes is a name.
        Assert.Equal("err: name must be 1-256 bytes", await Run([]));
        Assert.Equal("err: name must be 1-256 bytes", await Run(new byte[257]));
        Assert.Equal(rootBefore, (await state.GetProofAsync("job-a"u8.ToArray())).Root);
        Assert.Equal("1", await Run(new byte[256]));
        Assert.Equal("2", await Run(new byte[256]));
    }

    [Fact]
    public async Task KvStoreRunOutOfFuelLeavesStateUnchanged()
    {
        var program = await fixture.DeployAsync("kvstore");
        var first = await fixture.RunAsync(program, SamplePrograms.Input("kvstore", "kv_put.json"));
        Assert.Equal(ProgramRunOutcome.Succeeded, first.Outcome);

        // A put of another key with one unit of fuel less than it needs: it runs out at the very end, after the host
        // has buffered both writes (value and index), so only the commit rule keeps them out.
        var data = new byte[4096];
        new Random(7).NextBytes(data);
        var input = Encoding.UTF8.GetBytes($$"""{"op":"put","key":"beta","data_base64":"{{Convert.ToBase64String(data)}}"}""");
        var measured = await fixture.RunAsync(await fixture.DeployAsync("kvstore"), input);
        Assert.Equal(ProgramRunOutcome.Succeeded, measured.Outcome);
        var starved = await fixture.RunAsync(program, input, maxFuel: measured.FuelConsumed - 1);
        Assert.Equal(ProgramRunOutcome.OutOfFuel, starved.Outcome);
        Assert.Equal(measured.FuelConsumed - 1, starved.FuelConsumed);
        Assert.Equal(RootAfterPut, starved.StateRoot);

        var list = await fixture.RunAsync(program, SamplePrograms.Input("kvstore", "list.json"));
        Assert.Equal($$"""{"status":"oklist","entries":[{"key":"alpha","size":15,"checksum":"{{AlphaChecksum}}"}]}""", Encoding.UTF8.GetString(list.Output.Span));
        Assert.Equal(RootAfterPut, list.StateRoot);
    }

    [Fact]
    public async Task KvStoreLargeValueRoundTripsThroughTheRunner()
    {
        var program = await fixture.DeployAsync("kvstore");
        var seed = 20261122;
        output.WriteLine($"seed {seed}");
        var data = new byte[300_000];
        new Random(seed).NextBytes(data);
        var put = await fixture.RunAsync(program, Encoding.UTF8.GetBytes($$"""{"op":"put","key":"big","data_base64":"{{Convert.ToBase64String(data)}}"}"""));
        Assert.Equal(ProgramRunOutcome.Succeeded, put.Outcome);
        using var putJson = JsonDocument.Parse(put.Output);
        Assert.Equal(Convert.ToHexStringLower(Marketplace.Crypto.Hashing.Blake3.Hash(data)), putJson.RootElement.GetProperty("checksum").GetString());

        var get = await fixture.RunAsync(program, """{"op":"get","key":"big"}"""u8.ToArray());
        Assert.Equal(ProgramRunOutcome.Succeeded, get.Outcome);
        using var getJson = JsonDocument.Parse(get.Output);
        Assert.Equal(data, Convert.FromBase64String(getJson.RootElement.GetProperty("data_base64").GetString()!));
        output.WriteLine($"put 300,000 bytes: fuel {put.FuelConsumed}; get: fuel {get.FuelConsumed}");
    }

    [Theory]
    [InlineData("test_compute.json", "computed result: 15890148514020052928", 100)]
    [InlineData("test_hash.json", "hash: 85ac1851db58ce36", 50)]
    [InlineData("test_transform.json", "transformed: TeSt tHe jOb sChEdUlEr wItH ThIs mEsSaGe", 10)]
    [InlineData("test_stress.json", "stress test completed: 500 iterations, sum: 273625", 500)]
    public async Task JobTestGoldens(string file, string result, int iterations)
    {
        var program = await fixture.DeployAsync("job-test");
        var run = await fixture.RunAsync(program, SamplePrograms.Input("job-test", file));
        Assert.Equal(ProgramRunOutcome.Succeeded, run.Outcome);
        Assert.Equal(
            $$"""{"status":"success","result":"{{result}}","iterations_completed":{{iterations}},"fuel_estimate":"~{{10000 + (1000 * iterations)}} fuel units"}""",
            Encoding.UTF8.GetString(run.Output.Span));
        Assert.True(run.FuelConsumed > 0);
        output.WriteLine($"{file}: fuel {run.FuelConsumed}");
    }
}
