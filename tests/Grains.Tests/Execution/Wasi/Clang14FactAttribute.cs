using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>A fact that needs Debian's clang-14 with the wasm32-wasi sysroot (packages clang-14, lld-14, wasi-libc,
/// libclang-rt-14-dev-wasm32): skipped loudly when missing outside CI; under <c>CI=true</c> it runs and fails.</summary>
public sealed class Clang14FactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public Clang14FactAttribute()
    {
        if (!ExternalService.IsCi && Clang14.Find() is null)
        {
            Skip = "!!! SKIPPED: clang-14 for wasm32-wasi is not installed. Install it with "
                   + "`apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32` (under CI=true this test fails instead) !!!";
        }
    }
}

/// <summary>Builds C for wasm32-wasi with clang-14, with the flags of programs/build.sh.</summary>
internal static class Clang14
{
    /// <summary>The flags programs/build.sh passes (its <c>wasi_cflags</c>).</summary>
    public static readonly string[] WasiFlags = ["--target=wasm32-wasi", "-O2", "-fuse-ld=lld", "-Wl,--strip-all"];

    /// <summary>Full path of clang-14 when it and the wasi-libc headers are installed, else null.</summary>
    public static string? Find()
    {
        if (!File.Exists("/usr/include/wasm32-wasi/stdio.h"))
        {
            return null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "clang-14");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Compiles <paramref name="sourcePath"/> in a temporary folder and returns the module bytes; throws with
    /// clang's message on failure.</summary>
    public static byte[] Build(string sourcePath)
    {
        var tool = Find() ?? throw new InvalidOperationException(
            "clang-14 for wasm32-wasi is not installed (apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32).");
        var folder = Directory.CreateTempSubdirectory("wasi-build-");
        try
        {
            var output = Path.Combine(folder.FullName, "out.wasm");
            var start = new System.Diagnostics.ProcessStartInfo(tool)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
                WorkingDirectory = folder.FullName,
            };
            foreach (var flag in WasiFlags)
            {
                start.ArgumentList.Add(flag);
            }

            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(output);
            start.ArgumentList.Add(sourcePath);
            using var process = System.Diagnostics.Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"clang-14 {sourcePath} failed ({process.ExitCode}): {stderr.Result}");
            }

            return File.ReadAllBytes(output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
