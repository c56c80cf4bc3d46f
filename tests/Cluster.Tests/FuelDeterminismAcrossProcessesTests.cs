// The fuel rule's promise, checked across processes: the same program, input and state give the same output, fuel and
// state root in every silo process. Two silo processes on the embedded defaults (each its own cluster, data folder and
// ports) run the same jobs, submitted over the HTTP API with the same request ids, at the same time; per job the test
// compares what a receipt records (status, output bytes, fuel, state root before and after) between the two, and with
// the golden figures where the in-process tests pin them. Needs no outside service.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Text;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>Two independent silo processes shared by the tests of <see cref="FuelDeterminismAcrossProcessesTests"/>.</summary>
public sealed class TwoSiloProcessesFixture : IAsyncLifetime
{
    /// <summary>The two silos.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos?.Silos ?? throw new InvalidOperationException("not started");

    /// <summary>How long the two processes took to be ready.</summary>
    public TimeSpan StartTime { get; private set; }

    private EmbeddedSilos? _silos;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        _silos = await EmbeddedSilos.StartAsync(2);
        StartTime = watch.Elapsed;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_silos is not null)
        {
            await _silos.DisposeAsync();
        }
    }
}

/// <summary>What a receipt records of one job: its ending, output, fuel and the program's state root before and
/// after (<paramref name="ReportedRoot"/> is the root the job itself reports).</summary>
public sealed record JobRecord(JobStatus Status, FailureReason FailureReason, string OutputHex, long Fuel, string RootIn, string RootOut, string? ReportedRoot)
{
    /// <summary>The output as UTF-8 text.</summary>
    public string OutputText => Encoding.UTF8.GetString(Convert.FromHexString(OutputHex));
}

/// <summary>The same jobs in two silo processes give the same output, fuel and state roots.</summary>
public sealed class FuelDeterminismAcrossProcessesTests(TwoSiloProcessesFixture fixture, ITestOutputHelper output) : IClassFixture<TwoSiloProcessesFixture>
{
    /// <summary>Bound on one job from submit to terminal, generous for a loaded 2-core machine.</summary>
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(180);

    /// <summary>A key no sample program writes: its proof is read only for the state root.</summary>
    private static readonly byte[] RootProbeKey = "__root_probe"u8.ToArray();

    [Fact]
    public async Task Kvstore_sequence_writes_the_same_state_roots_with_the_same_fuel_in_both_processes()
    {
        var program = await DeployEverywhereAsync("programs/kvstore/kvstore.wasm", "kvstore");
        string[] steps = ["kv_put.json", "kv_get.json", "list.json", "kv_stats.json", "kv_clear.json", "kv_get.json"];

        // Each process runs the sequence in order (each step sees the state the previous one committed); the two
        // processes run it at the same time.
        var sequences = await Task.WhenAll(fixture.Silos.Select(async silo =>
        {
            var records = new List<JobRecord>();
            for (var i = 0; i < steps.Length; i++)
            {
                records.Add(await RunAsync(silo, program, $"kv-{i}", SamplePrograms.Read("programs/kvstore/" + steps[i])));
            }

            return records;
        }));

        for (var i = 0; i < steps.Length; i++)
        {
            output.WriteLine($"{steps[i]}: {sequences[0][i]}");
            Assert.Equal(sequences[0][i], sequences[1][i]);
        }

        var run = sequences[0];
        Assert.All(run, r => Assert.Equal(JobStatus.Completed, r.Status));
        // Each step starts from the root the previous one left, and reports the root it committed.
        for (var i = 1; i < run.Count; i++)
        {
            Assert.Equal(run[i - 1].RootOut, run[i].RootIn);
        }

        Assert.All(run, r => Assert.Equal(r.RootOut, r.ReportedRoot));
        // The golden figures of FuelDeterminismTests, ProgramRunnerTests and programs/README.md.
        Assert.Equal("""{"status":"okput","key":"alpha","size":15,"checksum":"840a44395252bd4175f63ee89d291e1200a83c888b2ff2dfb586f3ffc945380a"}""", run[0].OutputText);
        Assert.Equal(12_205, run[0].Fuel);
        Assert.Equal("01dee219f5367c8b3c38d2277f169b524cc39a42cdb453549672ff2abf7991f9", run[0].RootOut);
        Assert.Equal("""{"status":"okget","key":"alpha","size":15,"checksum":"840a44395252bd4175f63ee89d291e1200a83c888b2ff2dfb586f3ffc945380a","data_base64":"SGVsbG8sIEtWU1RPUkUh"}""", run[1].OutputText);
        Assert.Equal("""{"status":"oklist","entries":[{"key":"alpha","size":15,"checksum":"840a44395252bd4175f63ee89d291e1200a83c888b2ff2dfb586f3ffc945380a"}]}""", run[2].OutputText);
        Assert.Equal("""{"status":"okstats","total_keys":1,"total_bytes":15,"checksum":"1e15bcd287e450ef367515c10914b5591a70e39086f1cb3335a964c499a850ad"}""", run[3].OutputText);
        Assert.Equal("""{"status":"okclear","removed":1}""", run[4].OutputText);
        Assert.Equal("1b788c33a610470e3ab20210dbebff6c0cd5508adf726857478b5edd5bfc651a", run[4].RootOut);
        Assert.Equal("""{"status":"err","message":"missing key"}""", run[5].OutputText);
        // Reads leave the root as it was; writes move it.
        Assert.Equal(run[0].RootOut, run[3].RootOut);
        Assert.NotEqual(run[0].RootIn, run[0].RootOut);
    }

    [Fact]
    public async Task Echo_gives_the_golden_output_and_fuel_in_both_processes()
    {
        var program = await DeployEverywhereAsync("programs/echo/echo.wasm", "echo");
        var records = await RunEverywhereAsync(program, "echo", "hello world"u8.ToArray());
        Assert.Equal(JobStatus.Completed, records[0].Status);
        Assert.Equal("HELLO WORLD", records[0].OutputText);
        Assert.Equal(351, records[0].Fuel);
        Assert.Equal(records[0].RootIn, records[0].RootOut);
    }

    /// <summary>Float work whose output holds NaN bits: with NaN canonicalization both processes give exactly the
    /// bits of a model of WebAssembly's float operations in which every NaN produced is the canonical one.</summary>
    [Fact]
    public async Task Float_program_gives_canonical_NaNs_and_the_same_bits_and_fuel_in_both_processes()
    {
        const uint Iterations = 100_000;
        var program = await DeployEverywhereAsync("tests/Cluster.Tests/Modules/float_nan.wasm", "float-nan");
        var input = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(input, Iterations);
        var records = await RunEverywhereAsync(program, "float", input);

        Assert.True(records[0].Status == JobStatus.Completed, records[0].ToString());
        Assert.Equal(Convert.ToHexStringLower(FloatNanModel.Output(Iterations)), records[0].OutputHex.ToLowerInvariant());
        // Fuel grows with the iterations: the loop really ran, and fuel is counted per operator executed.
        Assert.InRange(records[0].Fuel, 50L * Iterations, 500L * Iterations);
    }

    [Fact]
    public async Task Wasi_wordcount_gives_the_golden_output_and_the_same_fuel_in_both_processes()
    {
        var program = await DeployEverywhereAsync("programs/wordcount/wordcount.wasm", "wordcount");
        var golden = SamplePrograms.Read("programs/wordcount/input.txt");
        var small = await RunEverywhereAsync(program, "wc-golden", golden);
        Assert.True(small[0].Status == JobStatus.Completed, small[0].ToString());
        Assert.Equal(Encoding.UTF8.GetString(SamplePrograms.Read("programs/wordcount/expected.txt")), small[0].OutputText);
        Assert.Equal("5 25 130\n", small[0].OutputText);

        // 500 copies (65,000 bytes): several reads of the program's 16 KiB buffer, so many WASI calls.
        var large = Enumerable.Repeat(golden, 500).SelectMany(b => b).ToArray();
        var big = await RunEverywhereAsync(program, "wc-large", large);
        Assert.True(big[0].Status == JobStatus.Completed, big[0].ToString());
        Assert.Equal(WordCount(large), big[0].OutputText);
        Assert.True(big[0].Fuel > small[0].Fuel, $"fuel {big[0].Fuel} for 65,000 bytes, {small[0].Fuel} for 130");
        // A WASI program has no state: the root is reported unchanged.
        Assert.Equal(big[0].RootIn, big[0].RootOut);
    }

    [Fact]
    public async Task A_run_out_of_fuel_uses_exactly_its_budget_in_both_processes()
    {
        // A loop far longer than its budget: job-test's hash task over 100 million passes with 3 million fuel.
        var jobTest = await DeployEverywhereAsync("programs/job-test/job-test.wasm", "job-test");
        var loop = await RunEverywhereAsync(jobTest, "oof-loop", SamplePrograms.HashInput(100_000_000, new string('x', 64)), maxFuel: 3_000_000);
        Assert.Equal((JobStatus.Failed, FailureReason.OutOfFuel, 3_000_000L), (loop[0].Status, loop[0].FailureReason, loop[0].Fuel));

        // A state write cut off by its budget (the put costs 12,205 with enough fuel): nothing is committed.
        var kvstore = await DeployEverywhereAsync("programs/kvstore/kvstore.wasm", "kvstore-oof");
        var put = await RunEverywhereAsync(kvstore, "oof-put", SamplePrograms.Read("programs/kvstore/kv_put.json"), maxFuel: 5_000);
        Assert.Equal((JobStatus.Failed, FailureReason.OutOfFuel, 5_000L), (put[0].Status, put[0].FailureReason, put[0].Fuel));
        Assert.Equal(put[0].RootIn, put[0].RootOut);
    }

    /// <summary>Deploys the module at <paramref name="path"/> with one signed deployment (one salt, fresh per test) on
    /// both silos and returns its program id, the same on both.</summary>
    private async Task<string> DeployEverywhereAsync(string path, string name)
    {
        output.WriteLine($"silos ready in {fixture.StartTime.TotalSeconds:0.0} s: {string.Join(", ", fixture.Silos.Select(s => $"{s.Name} pid {s.ProcessId} {s.BaseAddress}"))}");
        var deployment = SamplePrograms.FromFile(path, name, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()));
        var ids = await Task.WhenAll(fixture.Silos.Select(async silo =>
        {
            using var client = SiloCluster.Client(silo);
            return (await client.DeployProgramAsync(deployment)).Id;
        }));
        Assert.Equal(ids[0], ids[1]);
        return ids[0];
    }

    /// <summary>Runs one job on both silos at the same time, asserts the two records are equal and returns them.</summary>
    private async Task<JobRecord[]> RunEverywhereAsync(string program, string requestId, byte[] input, long maxFuel = 0)
    {
        var records = await Task.WhenAll(fixture.Silos.Select(silo => RunAsync(silo, program, requestId, input, maxFuel)));
        output.WriteLine($"{requestId}: {records[0]}");
        Assert.Equal(records[0], records[1]);
        return records;
    }

    /// <summary>Submits a job on <paramref name="silo"/> over its HTTP API, waits until it is terminal and reads what a
    /// receipt records of it.</summary>
    private static async Task<JobRecord> RunAsync(SiloProcess silo, string program, string requestId, byte[] input, long maxFuel = 0)
    {
        using var client = SiloCluster.Client(silo);
        var rootIn = (await client.GetStateProofAsync(program, RootProbeKey)).Root;
        var submitted = await client.SubmitJobAsync(new JobSubmission
        {
            Program = program,
            RequestId = requestId,
            InputInline = input,
            MaxFuel = maxFuel,
            TimeoutMs = 120_000,
        });
        var done = await client.WaitForJobAsync(submitted.JobId, JobBound);
        using var bytes = new MemoryStream();
        if (done.Status == JobStatus.Completed)
        {
            await client.GetJobOutputAsync(done.JobId, bytes);
        }

        var rootOut = (await client.GetStateProofAsync(program, RootProbeKey)).Root;
        return new JobRecord(done.Status, done.FailureReason, Convert.ToHexString(bytes.ToArray()), done.FuelConsumed, rootIn, rootOut, done.StateRoot);
    }

    /// <summary><c>LC_ALL=C wc</c>'s "lines words bytes\n", the rule programs/wordcount/wordcount.c follows.</summary>
    private static string WordCount(byte[] text)
    {
        long lines = 0, words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            lines += c == '\n' ? 1 : 0;
            var space = c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
            words += !space && !inWord ? 1 : 0;
            inWord = !space;
        }

        return FormattableString.Invariant($"{lines} {words} {text.Length}\n");
    }
}

/// <summary>tests/Cluster.Tests/Modules/float_nan.wat computed in .NET, with every NaN replaced by the canonical NaN
/// (what the engine's NaN canonicalization makes every float operation produce). Non-NaN results are IEEE 754 results
/// rounded to nearest, the same in WebAssembly and .NET.</summary>
internal static class FloatNanModel
{
    private const ulong CanonicalF64 = 0x7FF8000000000000;
    private const uint CanonicalF32 = 0x7FC00000;

    /// <summary>The program's 72 output bytes for <paramref name="iterations"/>.</summary>
    public static byte[] Output(uint iterations)
    {
        var output = new byte[72];
        // Eight operations whose result is a NaN, from operands with other payloads, signs and signalling bits.
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(8 * i), CanonicalF64);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(48), CanonicalF32);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(52), CanonicalF32);

        var x = 0.5;
        ulong h = 0;
        for (var i = 0u; i < iterations; i++)
        {
            x = 3.9 * x * (1 - x);
            var z = (x - x) / (x - x);
            var w = Math.Sqrt(x - 1);
            var m = Math.Min(z, x);
            var s = double.NaN + x;
            var f = (float)x * 1.5f;
            h = Mix(h, Bits(x));
            h = Mix(h, Bits(z));
            h = Mix(h, Bits(w));
            h = Mix(h, Bits(m));
            h = Mix(h, Bits(s));
            h = Mix(h, Bits(f));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(56), h);
        BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(64), Bits(x));
        return output;
    }

    private static ulong Bits(double value) => double.IsNaN(value) ? CanonicalF64 : BitConverter.DoubleToUInt64Bits(value);

    private static ulong Bits(float value) => float.IsNaN(value) ? CanonicalF32 : BitConverter.SingleToUInt32Bits(value);

    private static ulong Mix(ulong h, ulong value) => unchecked(BitOperations.RotateLeft(h ^ value, 27) * 0x9E3779B97F4A7C15UL);
}
