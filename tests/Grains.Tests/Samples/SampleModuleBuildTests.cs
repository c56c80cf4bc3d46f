using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Samples;

/// <summary>The committed .wasm files are exactly what programs/build.sh makes from their .wat sources.</summary>
public sealed class SampleModuleBuildTests(ITestOutputHelper output)
{
    [Wat2WasmFact]
    public void EveryCommittedWasmEqualsWat2WasmOutputOfItsWat()
    {
        var wats = SamplePrograms.AllWatFiles();
        Assert.NotEmpty(wats);
        var stale = new List<string>();
        foreach (var wat in wats)
        {
            var wasm = Path.ChangeExtension(wat, ".wasm");
            var relative = Path.GetRelativePath(SamplePrograms.RepositoryRoot, wasm);
            if (!File.Exists(wasm))
            {
                stale.Add($"{relative}: missing (run programs/build.sh and commit it)");
                continue;
            }

            var built = Wat2Wasm.Compile(wat);
            var committed = File.ReadAllBytes(wasm);
            output.WriteLine($"{relative}: {committed.Length} bytes, {(built.AsSpan().SequenceEqual(committed) ? "matches" : "DIFFERS")}");
            if (!built.AsSpan().SequenceEqual(committed))
            {
                stale.Add($"{relative}: differs from wat2wasm output of its .wat (run programs/build.sh and commit it)");
            }
        }

        output.WriteLine($"{wats.Count} modules checked");
        Assert.True(stale.Count == 0, string.Join(Environment.NewLine, stale));
    }

    [Fact]
    public void BuildScriptListsEverySampleProgram()
    {
        var script = File.ReadAllText(SamplePrograms.PathOf("build.sh"));
        var programs = Directory.EnumerateFiles(Path.Combine(SamplePrograms.RepositoryRoot, "programs"), "*.wat", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(SamplePrograms.RepositoryRoot, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        Assert.NotEmpty(programs);
        foreach (var relative in programs)
        {
            Assert.Contains(relative, script, StringComparison.Ordinal);
        }
    }
}
