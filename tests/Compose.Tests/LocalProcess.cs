// Design: one planned service's process: started with exactly the planned program, arguments, environment and working
// folder (the inherited environment loses every Marketplace__ key first, so nothing of this machine leaks in), its
// output drained for its whole life into <root>/logs/<service>.log (quoted in failures), killed with its tree on dispose.
using System.Diagnostics;

namespace Marketplace.Compose.Tests;

/// <summary>A running service process.</summary>
internal sealed class LocalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _lock = new();
    private bool _closed;

    private LocalProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The service name.</summary>
    public string Name { get; }

    /// <summary>Where its output goes.</summary>
    public string LogPath { get; }

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code (once exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="plan"/>'s program.</summary>
    public static LocalProcess Start(PlannedService plan, string logFolder)
    {
        var start = new ProcessStartInfo(plan.Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = plan.WorkingDirectory ?? logFolder,
        };
        foreach (var argument in plan.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Marketplace", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in plan.Environment)
        {
            start.Environment[key] = value;
        }

        var log = Path.Combine(logFolder, plan.Name + ".log");
        File.AppendAllText(log, $"$ {plan.Executable} {string.Join(' ', plan.Arguments)}\n");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {plan.Name}");
        return new LocalProcess(plan.Name, process, log);
    }

    /// <summary>Waits for the exit within <paramref name="bound"/>; false when it still runs.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The last lines it wrote.</summary>
    public string Tail(int lines = 40)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _log.Flush();
            }
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var all = new StreamReader(stream).ReadToEnd().Split('\n');
        return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_lock)
        {
            _closed = true;
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
