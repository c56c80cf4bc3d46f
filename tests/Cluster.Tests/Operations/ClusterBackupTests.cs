// The operators' guide backs a PostgreSQL cluster up with pg_dump while it runs and restores it with createdb and
// pg_restore into a new database (docs/operators.md, "Backup and restore of a cluster"). This runs those three commands
// against a running silo's database and starts a silo on the restored one: every blob (its chunks are rows of the
// database) and the job's output read back byte-exact.
using System.Diagnostics;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Marketplace.TestSupport;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests.Operations;

/// <summary>The guide's pg_dump backup of a cluster, restored into a new database, serves everything back.</summary>
public sealed class ClusterBackupTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(180);

    private SiloCluster? _cluster;
    private string? _restoredDatabase;
    private string? _dump;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_restoredDatabase is not null)
        {
            var server = ExternalService.Require(PostgresFactAttribute.Variable);
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_restoredDatabase}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_dump is not null && File.Exists(_dump))
        {
            File.Delete(_dump);
        }
    }

    [PostgresFact]
    public async Task A_pg_dump_taken_while_the_cluster_runs_restores_into_a_new_database_that_serves_every_blob_and_output()
    {
        _cluster = await SiloCluster.StartAsync("pgdump", 1);
        var first = _cluster.Silos[0];
        using var client = SiloCluster.Client(first);
        var seed = Environment.TickCount;
        output.WriteLine($"content seed {seed}");
        var large = new byte[2_600_000]; // three chunks, the last one partial
        new Random(seed).NextBytes(large);
        var small = "kept in the database"u8.ToArray();
        var largeBlob = await client.UploadBlobAsync(new MemoryStream(large), "application/octet-stream");
        var smallBlob = await client.UploadBlobAsync(new MemoryStream(small), "text/plain");
        var program = await client.DeployProgramAsync(SamplePrograms.FromFile("programs/echo/echo.wasm", "echo", "0d"));
        var job = await client.SubmitJobAsync(new JobSubmission { Program = program.Id, RequestId = "dumped", InputInline = "hello dump"u8.ToArray() });
        Assert.Equal(JobStatus.Completed, (await client.WaitForJobAsync(job.JobId, JobBound)).Status);

        // The guide's three commands, with this server's address, while the silo runs.
        var server = new NpgsqlConnectionStringBuilder(_cluster.Database.ConnectionString);
        _dump = Path.Combine(Path.GetTempPath(), $"{_cluster.Database.Name}.dump");
        _restoredDatabase = _cluster.Database.Name + "_r";
        string[] connection = ["-h", server.Host!, "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", server.Username!];
        await RunAsync(server.Password, "pg_dump", ["-Fc", .. connection, "-d", _cluster.Database.Name, "-f", _dump]);
        await RunAsync(server.Password, "createdb", [.. connection, _restoredDatabase]);
        await RunAsync(server.Password, "pg_restore", ["--no-owner", .. connection, "-d", _restoredDatabase, _dump]);
        output.WriteLine($"dump: {new FileInfo(_dump).Length} bytes");

        // A silo on the restored database (the first one stopped: the restored cluster replaces the old one).
        await first.TerminateAsync(TimeSpan.FromSeconds(60));
        var restored = new NpgsqlConnectionStringBuilder(_cluster.Database.ConnectionString) { Database = _restoredDatabase }.ConnectionString;
        var second = _cluster.Start(new Dictionary<string, string> { ["Marketplace:Cluster:PostgreSqlConnectionString"] = restored });
        await second.WaitReadyAsync(SiloCluster.StartBound);
        using var again = SiloCluster.Client(second);
        Assert.Equal(large, await ReadAsync(again, largeBlob.Id));
        Assert.Equal(small, await ReadAsync(again, smallBlob.Id));
        Assert.Equal(program.Id, (await again.GetProgramAsync(program.Id)).Id);
        using (var jobOutput = new MemoryStream())
        {
            await again.GetJobOutputAsync(job.JobId, jobOutput);
            Assert.Equal("HELLO DUMP"u8.ToArray(), jobOutput.ToArray());
        }

        // The restored cluster remembers the request id: the same submit reaches the same job.
        var resubmitted = await again.SubmitJobAsync(new JobSubmission { Program = program.Id, RequestId = "dumped", InputInline = "hello dump"u8.ToArray() });
        Assert.Equal(job.JobId, resubmitted.JobId);
    }

    private static async Task<byte[]> ReadAsync(HttpMarketplaceClient client, string blobId)
    {
        using var read = new MemoryStream();
        await client.DownloadBlobAsync(blobId, read);
        return read.ToArray();
    }

    /// <summary>Runs a PostgreSQL client program; fails the test with its output when it does not exit 0.</summary>
    private async Task RunAsync(string? password, string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = password ?? "";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(bound.Token);
        output.WriteLine($"{program} {string.Join(' ', arguments)}: exit {process.ExitCode} {await stdout}{await stderr}");
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {await stderr}");
    }
}
