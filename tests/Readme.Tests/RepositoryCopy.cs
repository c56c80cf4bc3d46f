using System.Diagnostics;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Readme.Tests;

/// <summary>
/// A copy of the repository's tracked files in a fresh temporary folder, with the silo and the CLI built in
/// Release, where the README's blocks run as a user would run them at the repository root.
/// </summary>
/// <remarks>
/// The blocks start a silo with <c>dotnet run --project silo</c>, which keeps its database, chunks and development
/// key in <c>silo/data</c>; run in the developer's own checkout they would read, and the tests would reset, the
/// developer's data. In the copy nothing of the checkout is touched, by hand or under CI. The copy takes the
/// working tree's content of every file <c>git ls-files</c> lists, so uncommitted edits of tracked files are
/// tested too; untracked files (build output, <c>node_modules</c>, <c>silo/data</c>) are left behind, and so they
/// are in a source tree without git. Blocks run
/// one at a time (one test collection), each after <see cref="ResetSiloData"/>, so each starts a fresh silo.
/// Scratch folders a block makes with <c>mktemp -d</c> land under the copy's own <c>TMPDIR</c>, removed with it.
/// </remarks>
public sealed class RepositoryCopy : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-readme-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The repository the tests were built from (its documents are the ones checked).</summary>
    internal static string Origin => SharedData.RepositoryRoot;

    /// <summary>The copy's root, where blocks run.</summary>
    internal string Root => Path.Combine(_folder, "repository");

    private string Scratch => Path.Combine(_folder, "tmp");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // Fail before the build when the blocks could not run anyway.
        LoopbackPorts.RequireSiloDefaultsFree();
        foreach (var file in await FilesToCopyAsync(Origin))
        {
            var source = Path.Combine(Origin, file);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree, not yet in a commit
            }

            var target = Path.Combine(Root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        Directory.CreateDirectory(Scratch);
        var build = new ShellBlock("(harness)", "build the silo and the CLI once for every block", 1, 1,
            "dotnet build silo -c Release -v q -nologo && dotnet build cli -c Release -v q -nologo\n");
        await using var run = Start(build);
        var exit = await run.WaitForExitAsync(BuildTimeout);
        if (exit != 0)
        {
            throw new InvalidOperationException($"Building the silo and the CLI in {Root} failed (exit {exit}):\n{ShellBlockProcess.Tail(run.Output)}");
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Removes the copy's <c>silo/data</c>, so the next silo a block starts is a first start.</summary>
    internal void ResetSiloData()
    {
        var data = Path.Combine(Root, "silo", "data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Starts <paramref name="block"/> at the copy's root.</summary>
    internal ShellBlockProcess Start(ShellBlock block) =>
        ShellBlockProcess.Start(block, Root, Scratch, new Dictionary<string, string>
        {
            ["TMPDIR"] = Scratch,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // No MSBuild node or build server outlives the block's own build.
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        });

    /// <summary>
    /// The files <c>git ls-files</c> lists; in a source tree without git (an unpacked archive), every file but build
    /// output, <c>node_modules</c>, test results and the silo's data folder.
    /// </summary>
    private static async Task<IReadOnlyList<string>> FilesToCopyAsync(string repository)
    {
        if (Path.Exists(Path.Combine(repository, ".git")))
        {
            return await TrackedFilesAsync(repository);
        }

        string[] untracked = ["bin", "obj", "node_modules", "TestResults"];
        var silo = Path.Combine(repository, "silo", "data");
        return [.. Directory.EnumerateFiles(repository, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(silo + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(repository, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(untracked.Contains))];
    }

    private static async Task<IReadOnlyList<string>> TrackedFilesAsync(string repository)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-C", repository, "ls-files", "-z" })
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var listing = git.StandardOutput.ReadToEndAsync();
        var errors = git.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await git.WaitForExitAsync(deadline.Token);
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException($"git ls-files in {repository} failed: {await errors}");
        }

        return (await listing).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }
}
