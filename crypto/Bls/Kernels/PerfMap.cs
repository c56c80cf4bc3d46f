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
    /// <summary>Writes the map when the runtime writes its own; returns why it could not, or null.</summary>
    internal static string? Announce(IntPtr code, (string Name, int Offset, int Length)[] symbols)
    {
        string? setting = Environment.GetEnvironmentVariable("DOTNET_PerfMapEnabled");
        if (setting is not ("1" or "3"))
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (name, offset, length) in symbols)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(long)code + offset:x} {length:x} {name}\n");
        }

        string path = $"/tmp/perf-{Environment.ProcessId}.kernels.map";
        try
        {
            // CreateNew: never follow a link or overwrite a file someone else put at this predictable path.
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(file);
            writer.Write(text.ToString());
            return null;
        }
        catch (IOException e)
        {
            return $"kernel perf map {path} not written: {e.Message}";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"kernel perf map {path} not written: {e.Message}";
        }
    }
}
