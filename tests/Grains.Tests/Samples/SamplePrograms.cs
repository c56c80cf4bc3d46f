namespace Marketplace.Grains.Tests.Samples;

/// <summary>Finds the repository's sample programs (programs/) and test modules (tests/**/Modules/*.wat).</summary>
internal static class SamplePrograms
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository root (the folder holding Marketplace.sln).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>Absolute path of a file under programs/.</summary>
    public static string PathOf(string relative) => Path.Combine(RepositoryRoot, "programs", relative);

    /// <summary>The committed module of a sample, e.g. <c>Wasm("kvstore")</c> reads programs/kvstore/kvstore.wasm.</summary>
    public static byte[] Wasm(string program) => File.ReadAllBytes(PathOf(Path.Combine(program, program + ".wasm")));

    /// <summary>A shipped input file of a sample.</summary>
    public static byte[] Input(string program, string file) => File.ReadAllBytes(PathOf(Path.Combine(program, file)));

    /// <summary>Every .wat the build script covers: programs/**/*.wat and tests/**/Modules/*.wat.</summary>
    public static IReadOnlyList<string> AllWatFiles()
    {
        var programs = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "programs"), "*.wat", SearchOption.AllDirectories);
        var tests = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "tests"), "*.wat", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "Modules")
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        return programs.Concat(tests).Order(StringComparer.Ordinal).ToList();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln")) && Directory.Exists(Path.Combine(dir.FullName, "programs")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (Marketplace.sln with programs/) above {AppContext.BaseDirectory}.");
    }
}
