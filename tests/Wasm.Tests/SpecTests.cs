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
    // The production configuration (fuel metering and NaN canonicalization on) and the plain one (both off).
    private static readonly Lazy<Engine> MeteredEngine = new(() => new Engine(new Config().WithFuelConsumption(true).WithNaNCanonicalization(true)));
    private static readonly Lazy<Engine> PlainEngine = new(() => new Engine(new Config().WithFuelConsumption(false).WithNaNCanonicalization(false)));
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

    internal static SpecResult RunFolder(string folder, bool metered = true) =>
        Results.GetOrAdd((metered ? "metered/" : "plain/") + folder, _ => new Lazy<SpecResult>(() =>
            new SpecScript(Path.Combine(SharedData.Path("wasm-spec"), folder), metered ? MeteredEngine.Value : PlainEngine.Value, Lists.Value).Run())).Value;

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_passes(string folder)
    {
        var r = RunFolder(folder);
        output.WriteLine($"{folder} (fuel on, NaN canonicalization on): {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped, {r.KnownFailing} known-failing");
        foreach (var f in r.Failures.Take(50))
        {
            output.WriteLine("  FAIL " + f);
        }

        Assert.True(r.Failed == 0, $"{folder}: {r.Failed} failed; first: {r.Failures.FirstOrDefault()}");
        Assert.True(r.Passed + r.Skipped + r.KnownFailing > 0, $"{folder}: no commands ran");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void All_folders_total(bool metered)
    {
        var folders = Folders().Select(o => (string)o[0]).ToArray();
        Assert.NotEmpty(folders);
        int p = 0, f = 0, s = 0, k = 0;
        foreach (var folder in folders)
        {
            var r = RunFolder(folder, metered);
            output.WriteLine($"{folder,-28} {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped, {r.KnownFailing} known-failing");
            p += r.Passed;
            f += r.Failed;
            s += r.Skipped;
            k += r.KnownFailing;
        }

        var config = metered ? "fuel on, NaN canonicalization on" : "fuel off, NaN canonicalization off";
        output.WriteLine($"TOTAL ({config}) over {folders.Length} folders: {p} passed, {f} failed, {s} skipped, {k} known-failing");
        Console.WriteLine($"wasm spec TOTAL ({config}) over {folders.Length} folders: {p} passed, {f} failed, {s} skipped, {k} known-failing");
        Assert.Equal(0, f);
    }
}
