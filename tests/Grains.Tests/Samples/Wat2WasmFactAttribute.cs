using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Samples;

/// <summary>A fact that needs Debian's <c>wat2wasm</c> (package wabt) on PATH: skipped loudly when it is missing
/// outside CI; under <c>CI=true</c> it runs and fails instead.</summary>
public sealed class Wat2WasmFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public Wat2WasmFactAttribute()
    {
        if (!ExternalService.IsCi && Wat2Wasm.Find() is null)
        {
            Skip = "!!! SKIPPED: wat2wasm is not on PATH. Install it with `apt-get install wabt` (under CI=true this test fails instead) !!!";
        }
    }
}

/// <summary>Locates and runs wat2wasm.</summary>
internal static class Wat2Wasm
{
    /// <summary>Full path of wat2wasm on PATH, or null.</summary>
    public static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "wat2wasm");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Compiles <paramref name="watPath"/> and returns the module bytes; throws with wat2wasm's message on
    /// failure.</summary>
    public static byte[] Compile(string watPath)
    {
        var tool = Find() ?? throw new InvalidOperationException("wat2wasm is not on PATH (apt-get install wabt).");
        var output = Path.Combine(Path.GetTempPath(), $"wat2wasm-{Guid.NewGuid():N}.wasm");
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(tool)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(watPath);
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(output);
            using var process = System.Diagnostics.Process.Start(start)!;
            var stderr = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"wat2wasm {watPath} failed ({process.ExitCode}): {stderr}");
            }

            return File.ReadAllBytes(output);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
