using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Marketplace.Readme.Tests;

/// <summary>
/// A shell block running under <c>bash -eu</c> as a user pasting it would run it, in its own process session so
/// that everything it starts (a silo in the background, build servers) is stopped with it.
/// </summary>
/// <remarks>
/// The block is written to a script file verbatim, after one line that tells the script's shell to mark each
/// command it runs: a <c>DEBUG</c> trap writes the record separator, the command's line and the separator again to
/// the shell's standard error, which is merged with its standard output. The markers let
/// <see cref="OutputOfCommandAt"/> cut the output by command without changing a character of the block, and they
/// go to standard error so a loop whose output is redirected to a file (<c>done &gt; jobs.txt</c>) does not write
/// them there. <c>-u</c> makes an unset variable an error, as a placeholder left in a block would be; pipefail is
/// not set because the README's <c>grep … | head -1</c> may legitimately end its writer early.
/// </remarks>
internal sealed partial class ShellBlockProcess : IAsyncDisposable
{
    // Octal 036 is the record separator, U+001E, which no command of a block prints.
    private const string CommandMarkerTrap = """trap 'printf "\036%d\036\n" "$LINENO" >&2' DEBUG""";
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _reading;
    private readonly int _session;
    private bool _stopped;

    private ShellBlockProcess(Process process)
    {
        _process = process;
        _session = process.Id;
        _reading = Task.WhenAll(CopyAsync(process.StandardOutput), CopyAsync(process.StandardError));
    }

    /// <summary>The block this process runs.</summary>
    public required ShellBlock Block { get; init; }

    /// <summary>What the block printed so far, markers removed.</summary>
    public string Output => Marker().Replace(RawOutput, "");

    private string RawOutput
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="block"/> in <paramref name="workingDirectory"/>, its script written under
    /// <paramref name="scratch"/>, with <paramref name="environment"/> added to the test's own environment.
    /// </summary>
    public static ShellBlockProcess Start(ShellBlock block, string workingDirectory, string scratch, IReadOnlyDictionary<string, string> environment)
    {
        Directory.CreateDirectory(scratch);
        var script = Path.Combine(scratch, $"block-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, CommandMarkerTrap + "\n" + block.Text);

        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "bash", "-c", "exec 2>&1; exec bash -eu \"$0\"", script })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild variables would point a nested `dotnet build` at the host's own SDK state.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("setsid bash did not start");
        process.StandardInput.Close();
        return new ShellBlockProcess(process) { Block = block };
    }

    /// <summary>
    /// Waits until the block's shell exits and returns its exit code; after <paramref name="timeout"/> stops the
    /// block and throws a <see cref="TimeoutException"/> carrying what it printed.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await StopAsync();
            throw new TimeoutException($"{Block.Name} did not finish within {timeout.TotalSeconds:0} s. Its output:\n{Tail(Output)}");
        }

        return _process.ExitCode;
    }

    /// <summary>True once the block's shell has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The output of the commands on the logical line that ends on <paramref name="blockLine"/>: that line and the
    /// lines before it that it continues (a line ending in <c>\</c>), every run of them in a loop included. Bash
    /// names a command spread over lines by its first or its last line, so the whole logical line counts.
    /// </summary>
    public string OutputOfCommandAt(int blockLine)
    {
        var lines = Block.Lines;
        var first = blockLine;
        while (first > 1 && lines[first - 2].EndsWith('\\'))
        {
            first--;
        }

        var raw = RawOutput;
        var segments = new List<(int Line, string Text)>();
        var line = 0;
        var from = 0;
        foreach (Match marker in Marker().Matches(raw))
        {
            segments.Add((line, raw[from..marker.Index]));
            line = int.Parse(marker.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
            from = marker.Index + marker.Length;
        }

        segments.Add((line, raw[from..]));
        return string.Concat(segments.Where(s => s.Line >= first && s.Line <= blockLine).Select(s => s.Text));
    }

    /// <summary>
    /// Stops everything the block started: SIGTERM to its session's process group, SIGKILL to what is left after a
    /// grace period, then waits until its output is closed.
    /// </summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (!await SignalAndWaitAsync(Signal.Terminate, StopGrace))
        {
            await SignalAndWaitAsync(Signal.Kill, StopGrace);
        }

        await _reading.WaitAsync(OutputDrain);
        await _process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    /// <summary>The last part of <paramref name="output"/>, enough to see why a block failed.</summary>
    public static string Tail(string output, int characters = 6000) =>
        output.Length <= characters ? output : "…" + output[^characters..];

    private async Task<bool> SignalAndWaitAsync(Signal signal, TimeSpan grace)
    {
        if (SendToGroup(_session, (int)signal) != 0)
        {
            return true;
        }

        using var deadline = new CancellationTokenSource(grace);
        while (!deadline.IsCancellationRequested)
        {
            if (SendToGroup(_session, 0) != 0)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return false;
    }

    private async Task CopyAsync(StreamReader reader)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_output)
            {
                _output.Append(buffer, 0, read);
            }
        }
    }

    private static int SendToGroup(int session, int signal) => Kill(-session, signal);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex("\u001e(?<line>[0-9]+)\u001e\n")]
    private static partial Regex Marker();

    private enum Signal
    {
        Terminate = 15,
        Kill = 9,
    }
}
