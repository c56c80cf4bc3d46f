using System.Diagnostics;
using System.Net;
using System.Text;

namespace Marketplace.Chaos;

/// <summary>The compose file's cluster under one project name, driven through the docker-compose command: up, kill,
/// stop and start of single services, and the published HTTP ports of the three silos on 127.0.0.1.</summary>
internal sealed class ComposeCluster(string composeFile, string project, TextWriter log)
{
    /// <summary>The silo services and their published HTTP ports, as docker-compose.yml names them.</summary>
    public static readonly IReadOnlyList<(string Service, int Port)> Silos = [("silo1", 8080), ("silo2", 8081), ("silo3", 8082)];

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(3) };

    private readonly List<(DateTimeOffset At, string What)> _events = [];

    /// <summary>What the harness did to the cluster's services and when (kill, stop, start, each begun and done, and
    /// a silo answering ready), so a client's slow tries can be placed on it.</summary>
    public IReadOnlyList<(DateTimeOffset At, string What)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    private void Note(string what)
    {
        lock (_events)
        {
            _events.Add((DateTimeOffset.UtcNow, what));
        }
    }

    private static bool ChangesServices(string arguments) =>
        arguments.StartsWith("kill ", StringComparison.Ordinal) || arguments.StartsWith("stop ", StringComparison.Ordinal)
        || arguments.StartsWith("start ", StringComparison.Ordinal);

    /// <summary>The silo's HTTP address on this machine.</summary>
    public static Uri HttpAddress(string service) =>
        new($"http://127.0.0.1:{Silos.First(s => s.Service == service).Port}/");

    /// <summary>Runs docker-compose with the project's file and name; a non-zero exit throws with its output.</summary>
    public async Task<string> RunAsync(string arguments, TimeSpan timeout, bool check = true)
    {
        var start = new ProcessStartInfo("docker-compose", $"-f \"{composeFile}\" -p {project} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(composeFile)!,
        };
        var changes = ChangesServices(arguments);
        if (changes)
        {
            Note($"{arguments} begun");
        }

        using var process = Process.Start(start) ?? throw new ChaosHarnessException("docker-compose did not start");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new ChaosHarnessException($"docker-compose {arguments} did not finish within {timeout.TotalSeconds:0} s");
        }

        process.WaitForExit();
        if (changes)
        {
            Note($"{arguments} done");
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        if (check && process.ExitCode != 0)
        {
            throw new ChaosHarnessException($"docker-compose {arguments} exited {process.ExitCode}:\n{Tail(text, 40)}");
        }

        return text;
    }

    /// <summary>Brings the cluster up (images built beforehand) and waits until every silo is ready.</summary>
    public async Task UpAsync()
    {
        log.WriteLine($"[chaos] docker-compose -p {project} up -d");
        await RunAsync("up -d", TimeSpan.FromMinutes(10));
        foreach (var (service, _) in Silos)
        {
            await WaitReadyAsync(service, TimeSpan.FromMinutes(5));
        }
    }

    /// <summary>Waits until the silo's readiness probe answers 200 through its published port.</summary>
    public async Task<TimeSpan> WaitReadyAsync(string service, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await IsReadyAsync(service))
            {
                Note($"{service} ready");
                return watch.Elapsed;
            }

            await Task.Delay(250);
        }

        throw new ChaosHarnessException($"{service} was not ready within {timeout.TotalSeconds:0} s:\n{Tail(await LogsAsync(service), 30)}");
    }

    /// <summary>Whether the silo's readiness probe answers 200 now.</summary>
    public static async Task<bool> IsReadyAsync(string service)
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri(HttpAddress(service), "v1/health/ready"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The exit code of a service's stopped container: 0 after a graceful stop, 137 after SIGKILL.</summary>
    public async Task<int?> ExitCodeAsync(string service)
    {
        var id = (await RunAsync($"ps -q {service}", TimeSpan.FromMinutes(1))).Trim();
        var start = new ProcessStartInfo("docker", $"inspect --format {{{{.State.ExitCode}}}} {id}") { RedirectStandardOutput = true };
        using var process = Process.Start(start) ?? throw new ChaosHarnessException("docker inspect did not start");
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 && int.TryParse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    /// <summary>The last lines of a service's log.</summary>
    public Task<string> LogsAsync(string service) => RunAsync($"logs --no-color --tail 60 {service}", TimeSpan.FromMinutes(1), check: false);

    /// <summary>A file's text inside a running service's container.</summary>
    public async Task<string> ReadFileAsync(string service, string path) =>
        (await RunAsync($"exec -T {service} cat {path}", TimeSpan.FromMinutes(1))).Trim();

    /// <summary>CPU time a running service's container has used since it started (its cgroup's <c>usage_usec</c> under
    /// cgroup v2, <c>cpuacct.usage</c> under v1), or null when it is not running.</summary>
    public async Task<TimeSpan?> CpuUsedAsync(string service)
    {
        var text = await RunAsync(
            $"exec -T {service} sh -c \"cat /sys/fs/cgroup/cpu.stat 2>/dev/null || echo cpuacct_ns $(cat /sys/fs/cgroup/cpuacct/cpuacct.usage)\"",
            TimeSpan.FromMinutes(1), check: false);
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is [var name, var value] && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var count))
            {
                switch (name)
                {
                    case "usage_usec":
                        return TimeSpan.FromMicroseconds(count);
                    case "cpuacct_ns":
                        return TimeSpan.FromTicks(count / 100);
                }
            }
        }

        return null;
    }

    /// <summary>Tears everything down, volumes included.</summary>
    public Task DownAsync() => RunAsync("--profile monitoring down -v --remove-orphans", TimeSpan.FromMinutes(5), check: false);

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
