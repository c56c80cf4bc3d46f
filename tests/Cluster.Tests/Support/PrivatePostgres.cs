// Design: restarting PostgreSQL under a running cluster must not restart the server other test assemblies (and other
// people's runs on a shared machine) use at the same moment, so the restart test gets a server of its own: initdb
// into a temporary folder and pg_ctl on a free loopback port, with the binaries of the newest installed PostgreSQL
// (the package .ci/run installs). As root the server runs as the postgres user (PostgreSQL refuses root).
using System.Diagnostics;
using System.Globalization;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>A throw-away PostgreSQL server the test may restart.</summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;

    private PrivatePostgres(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Connection string of the server's <c>postgres</c> database (trust authentication on loopback).</summary>
    public string ConnectionString =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=5");

    /// <summary>Creates and starts a server.</summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Where(d => File.Exists(Path.Combine(d, "bin", "initdb"))).ToList()
            : [];
        if (versions.Count == 0)
        {
            throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin (apt-get install postgresql, as .ci/run does).");
        }

        var bin = Path.Combine(versions.OrderBy(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).Last(), "bin");
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-cluster-tests", "pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["postgres:postgres", folder], asPostgres: false);
        }

        var server = new PrivatePostgres(bin, folder, TestSupport.FreeTcpPorts.Next());
        await server.RunPgAsync("initdb", ["-D", Path.Combine(folder, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        await server.RunPgAsync("pg_ctl", ["-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
            "-o", $"-p {server.Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);
        return server;
    }

    /// <summary>Restarts the server (fast shutdown: open connections are cut) and waits until it accepts connections.</summary>
    public Task RestartAsync() =>
        RunPgAsync("pg_ctl", ["-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-m", "fast", "restart"]);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPgAsync("pg_ctl", ["-D", Path.Combine(_folder, "data"), "-w", "-m", "immediate", "stop"]);
        }
        finally
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Cleaned by the OS eventually.
            }
        }
    }

    private Task RunPgAsync(string tool, IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(_bin, tool), arguments, asPostgres: Environment.UserName == "root");

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
