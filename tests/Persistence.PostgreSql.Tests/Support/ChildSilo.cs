using System.Diagnostics;

namespace Marketplace.Persistence.PostgreSql.Tests.Support;

/// <summary>A silo in its own process (this test assembly run through <see cref="Program"/>), so it can be killed.</summary>
public sealed class ChildSilo : IAsyncDisposable
{
    /// <summary>Environment variable naming the test process id; the child exits when that process is gone.</summary>
    public const string ParentProcessVariable = "MARKETPLACE_TEST_PARENT_PID";

    private readonly Process _process;

    private ChildSilo(Process process, int siloPort)
    {
        _process = process;
        SiloPort = siloPort;
    }

    /// <summary>The child silo's silo port (its identity in the membership table).</summary>
    public int SiloPort { get; }

    /// <summary>Starts the child and waits until it reports its silo Active.</summary>
    public static async Task<ChildSilo> StartAsync(ClusterIdentity cluster, TimeSpan bound)
    {
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment[ParentProcessVariable] = Environment.ProcessId.ToString();
        foreach (var argument in new[]
        {
            "exec", typeof(ChildSilo).Assembly.Location, "silo", cluster.ConnectionString, cluster.ClusterId,
            cluster.ServiceId, siloPort.ToString(), gatewayPort.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the child silo");
        var child = new ChildSilo(process, siloPort);
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"child silo exited (code {(process.WaitForExit(5000) ? process.ExitCode : -1)}) before it was ready");
                if (line.StartsWith("READY", StringComparison.Ordinal))
                {
                    return child;
                }
            }
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process at once (SIGKILL): no graceful shutdown, no membership update of its own.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
