using System.Text;
using Marketplace.Grains.Execution.Wasi;
using Marketplace.Grains.Tests.Samples;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>programs/wordcount: the committed module is what clang-14 makes of the C source, and it runs on the WASI
/// host with the golden output, deterministically.</summary>
public sealed class WordcountTests(WasiFixture fixture, ITestOutputHelper output) : IClassFixture<WasiFixture>
{
    [Clang14Fact]
    public void CommittedWasmEqualsAFreshClangBuildOfTheSource()
    {
        var built = Clang14.Build(SamplePrograms.PathOf("wordcount/wordcount.c"));
        var committed = SamplePrograms.Wasm("wordcount");
        output.WriteLine($"clang-14 {string.Join(' ', Clang14.WasiFlags)}: {built.Length} bytes; committed {committed.Length} bytes");
        Assert.True(built.AsSpan().SequenceEqual(committed),
            "programs/wordcount/wordcount.wasm differs from a fresh build of wordcount.c (run programs/build.sh and commit it)");
    }

    [Fact]
    public void BuildScriptBuildsWordcountWithTheTestedFlags()
    {
        var script = File.ReadAllText(SamplePrograms.PathOf("build.sh"));
        Assert.Contains("programs/wordcount/wordcount.c", script, StringComparison.Ordinal);
        Assert.Contains($"wasi_cflags=({string.Join(' ', Clang14.WasiFlags)})", script, StringComparison.Ordinal);
    }

    [Fact]
    public void WordcountImportsOnlySupportedWasiFunctions()
    {
        Assert.Empty(WasiPreview1.Check(fixture.Wordcount));
        Assert.True(WasiPreview1.ImportsWasi(fixture.Wordcount));
        var imports = fixture.Wordcount.Imports.Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"imports: {string.Join(", ", imports)}");
        Assert.Equal(["fd_close", "fd_fdstat_get", "fd_read", "fd_seek", "fd_write", "proc_exit"], imports);
    }

    [Fact]
    public void GoldenInputGivesGoldenOutput()
    {
        var input = SamplePrograms.Input("wordcount", "input.txt");
        var expected = File.ReadAllText(SamplePrograms.PathOf("wordcount/expected.txt"));
        var result = fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options(input: input), 10_000_000);
        output.WriteLine($"{result.Outcome}, exit {result.ExitCode}, fuel {result.FuelConsumed}: {Encoding.UTF8.GetString(result.Stdout.Span)}");
        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("5 25 130\n", expected);
        Assert.Equal(expected, Encoding.UTF8.GetString(result.Stdout.Span));
        Assert.Empty(result.StderrLines);
        Assert.True(result.FuelConsumed > 0);
    }

    [Fact]
    public void EmptyInputCountsNothing()
    {
        var result = fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options(), 10_000_000);
        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal("0 0 0\n", Encoding.UTF8.GetString(result.Stdout.Span));
    }

    [Fact]
    public void SeededRandomInputsMatchAReferenceCount()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WASI_WORDCOUNT_SEED"), out var s) ? s : 20261123;
        output.WriteLine($"seed {seed} (WASI_WORDCOUNT_SEED=n picks another)");
        var random = new Random(seed);
        byte[] alphabet = [(byte)' ', (byte)'\t', (byte)'\n', (byte)'\v', (byte)'\f', (byte)'\r', (byte)'a', (byte)'Z', 0, 0xC3, 0xFF];
        foreach (var size in new[] { 1, 17, 16384, 16385, 100_000 })
        {
            var input = new byte[size];
            for (var i = 0; i < size; i++)
            {
                input[i] = alphabet[random.Next(alphabet.Length)];
            }

            var result = fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options(input: input), 100_000_000);
            Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
            Assert.Equal(ReferenceCount(input), Encoding.UTF8.GetString(result.Stdout.Span));
            output.WriteLine($"{size} bytes: fuel {result.FuelConsumed}");
        }
    }

    [Fact]
    public void TwoRunsConsumeTheSameFuelAndGiveTheSameOutput()
    {
        var input = SamplePrograms.Input("wordcount", "input.txt");
        var first = fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options(input: input), 10_000_000);
        using var other = new WasiFixture();
        var second = other.Runner.Run(other.Wordcount, WasiFixture.Options(input: input), 10_000_000);
        output.WriteLine($"fuel {first.FuelConsumed} and {second.FuelConsumed} (second on a fresh engine)");
        Assert.Equal(first.FuelConsumed, second.FuelConsumed);
        Assert.Equal(first.Stdout.ToArray(), second.Stdout.ToArray());
    }

    [Fact]
    public async Task ConcurrentRunsOnOneRunnerGiveTheSameResultsAsSequentialOnes()
    {
        var inputs = Enumerable.Range(1, 6).Select(i => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"word{i} ", i * 500)))).ToList();
        var sequential = inputs.Select(input => fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options($"job-{input.Length}", input), 100_000_000)).ToList();

        var concurrent = await Task.WhenAll(inputs.Select(input =>
            Task.Run(() => fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options($"job-{input.Length}", input), 100_000_000))));

        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(WasiRunOutcome.Succeeded, concurrent[i].Outcome);
            Assert.Equal($"0 {(i + 1) * 500} {inputs[i].Length}\n", Encoding.UTF8.GetString(concurrent[i].Stdout.Span));
            Assert.Equal(sequential[i].Stdout.ToArray(), concurrent[i].Stdout.ToArray());
            Assert.Equal(sequential[i].FuelConsumed, concurrent[i].FuelConsumed);
        }
    }

    [Fact]
    public void TooLittleFuelEndsTheRunOutOfFuel()
    {
        var input = SamplePrograms.Input("wordcount", "input.txt");
        var full = fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options(input: input), 10_000_000);
        var result = fixture.Runner.Run(fixture.Wordcount, WasiFixture.Options(input: input), full.FuelConsumed / 2);
        Assert.Equal(WasiRunOutcome.OutOfFuel, result.Outcome);
        Assert.Equal(full.FuelConsumed / 2, result.FuelConsumed);
        Assert.Null(result.ExitCode);
    }

    private static string ReferenceCount(byte[] input)
    {
        long lines = 0, words = 0;
        var inWord = false;
        foreach (var b in input)
        {
            if (b == '\n')
            {
                lines++;
            }

            if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                words++;
            }
        }

        return $"{lines} {words} {input.Length}\n";
    }
}
