using System.Collections.Concurrent;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Wasm.Tests;

/// <summary>Runs every folder of the official spec tests (shared/wasm-spec), whatever folders exist.</summary>
public sealed class SpecTests
{
    private static readonly ConcurrentDictionary<string, Lazy<SpecResult>> Results = new();
    private static readonly Lazy<SpecLists> Lists = new(SpecLists.Load);
    private static readonly Lazy<Engine> SharedEngine = new(() => new Engine(new Config().WithNaNCanonicalization(false)));
    private readonly ITestOutputHelper output;

    public SpecTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    public static IEnumerable<object[]> Folders() =>
        Directory.GetDirectories(SharedData.Path("wasm-spec"))
            .Where(d => Directory.GetFiles(d, "*.json").Length > 0)
            .Select(d => new object[] { Path.GetFileName(d) })
            .OrderBy(o => (string)o[0], StringComparer.Ordinal);

    internal static SpecResult RunFolder(string folder) =>
        Results.GetOrAdd(folder, f => new Lazy<SpecResult>(() =>
            new SpecScript(Path.Combine(SharedData.Path("wasm-spec"), f), SharedEngine.Value, Lists.Value).Run())).Value;

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_passes(string folder)
    {
        var r = RunFolder(folder);
        output.WriteLine($"{folder}: {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped, {r.KnownFailing} known-failing");
        foreach (var f in r.Failures.Take(50))
        {
            output.WriteLine("  FAIL " + f);
        }

        Assert.True(r.Failed == 0, $"{folder}: {r.Failed} failed; first: {r.Failures.FirstOrDefault()}");
        Assert.True(r.Passed + r.Skipped + r.KnownFailing > 0, $"{folder}: no commands ran");
    }

    [Fact]
    public void All_folders_total()
    {
        var folders = Folders().Select(o => (string)o[0]).ToArray();
        Assert.NotEmpty(folders);
        int p = 0, f = 0, s = 0, k = 0;
        foreach (var folder in folders)
        {
            var r = RunFolder(folder);
            output.WriteLine($"{folder,-28} {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped, {r.KnownFailing} known-failing");
            p += r.Passed;
            f += r.Failed;
            s += r.Skipped;
            k += r.KnownFailing;
        }

        output.WriteLine($"TOTAL over {folders.Length} folders: {p} passed, {f} failed, {s} skipped, {k} known-failing");
        Console.WriteLine($"wasm spec TOTAL over {folders.Length} folders: {p} passed, {f} failed, {s} skipped, {k} known-failing");
        Assert.Equal(0, f);
    }
}
