// Design: one Marketplace silo as operators run it (`dotnet Marketplace.Silo.dll --key=value ...`), in its own
// process so a test can SIGKILL or SIGTERM it. Its output goes to <data folder>/silo.log (quoted in failures). It is
// started with Marketplace:ParentProcessId = this test process, so it stops itself when the test run dies.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Marketplace.Sdk;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>A silo child process: its ports, folders, HTTP address and the signals a test sends it.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _standardOutput = new();
    private bool _logClosed;

    private SiloProcess(Process process, string name, string dataFolder, int siloPort, int gatewayPort, int httpPort, string workerPrefix)
    {
        _process = process;
        Name = name;
        DataFolder = dataFolder;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        WorkerPrefix = workerPrefix;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        _log = new StreamWriter(Path.Combine(dataFolder, "silo.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _standardOutput.Enqueue(e.Data);
            }

            Append(e.Data);
        };
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The path of Marketplace.Silo.dll built next to this project (the silo project's output).</summary>
    public static string SiloAssembly { get; } = LocateSiloAssembly();

    /// <summary>A short name for messages, e.g. <c>silo-2</c>.</summary>
    public string Name { get; }

    /// <summary>The silo's own data folder.</summary>
    public string DataFolder { get; }

    /// <summary>Silo-to-silo port (its identity in the membership table).</summary>
    public int SiloPort { get; }

    /// <summary>Grain gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>HTTP port of the API.</summary>
    public int HttpPort { get; }

    /// <summary>The HTTP base address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Prefix of the ids of the workers this silo hosts.</summary>
    public string WorkerPrefix { get; }

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (after <see cref="HasExited"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The lines the silo wrote to standard output so far, in order (standard error is not among them).</summary>
    public IReadOnlyList<string> StandardOutputLines => [.. _standardOutput];

    /// <summary>Starts a silo with <paramref name="settings"/> as <c>--key=value</c> arguments and
    /// <paramref name="environment"/> (e.g. <c>Marketplace__Logging__Format</c>) added to its environment.</summary>
    public static SiloProcess Start(string name, string dataFolder, int siloPort, int gatewayPort, int httpPort, string workerPrefix, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(dataFolder);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataFolder,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(SiloAssembly);
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.ArgumentList.Add("--Marketplace:ParentProcessId=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        return new SiloProcess(process, name, dataFolder, siloPort, gatewayPort, httpPort, workerPrefix);
    }

    /// <summary>An sdk client on this silo's HTTP API.</summary>
    public HttpMarketplaceClient NewClient(string apiKey) => new(BaseAddress, apiKey);

    /// <summary>Waits until <c>/v1/health/ready</c> answers 200 (the silo is Active and answers grain calls).</summary>
    public async Task WaitReadyAsync(TimeSpan bound)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("v1/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // A slow answer while the silo starts.
            }

            if (deadline.Elapsed > bound)
            {
                throw new TimeoutException($"{Name} was not ready within {bound.TotalSeconds:0} s:\n{Tail()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: the process ends at once, without leaving the cluster.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: the host stops gracefully (the silo leaves the cluster); waits for the exit.</summary>
    public async Task TerminateAsync(TimeSpan bound)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {bound.TotalSeconds:0} s of SIGTERM:\n{Tail()}");
        }
    }

    /// <summary>The last lines the silo wrote.</summary>
    public string Tail(int lines = 40)
    {
        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.Flush();
            }
        }

        var path = Path.Combine(DataFolder, "silo.log");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
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
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static string LocateSiloAssembly()
    {
        var path = typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SiloAssembly")?.Value
            ?? throw new InvalidOperationException("The test assembly does not name the silo assembly.");
        path = Path.GetFullPath(path);
        return File.Exists(path) ? path : throw new FileNotFoundException($"The silo is not built at {path}; build tests/Cluster.Tests first.", path);
    }
}
