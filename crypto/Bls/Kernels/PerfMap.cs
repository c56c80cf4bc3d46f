using System.Globalization;
using System.Text;

namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>
/// Names the generated kernels for Linux perf: when the runtime writes its own perf map (DOTNET_PerfMapEnabled=1
/// or 3), the kernels' address ranges go to /tmp/perf-PID.kernels.map in the same "start size name" format.
/// Appending that file to /tmp/perf-PID.map before `perf report` shows bls_fp2Mul instead of bare addresses (the
/// runtime keeps writing its own map at its own offset, so the kernels cannot be added to it while it runs).
/// Otherwise this does nothing.
/// </summary>
internal static class PerfMap
{
    internal static void Announce(IntPtr code, (string Name, int Offset, int Length)[] symbols)
    {
        string? setting = Environment.GetEnvironmentVariable("DOTNET_PerfMapEnabled");
        if (setting is not ("1" or "3"))
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var (name, offset, length) in symbols)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(long)code + offset:x} {length:x} {name}\n");
        }

        string path = $"/tmp/perf-{Environment.ProcessId}.kernels.map";
        try
        {
            File.WriteAllText(path, text.ToString());
        }
        catch (IOException)
        {
            // Profiling aid only: a missing or unwritable map leaves the kernels unnamed in perf, nothing else.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
