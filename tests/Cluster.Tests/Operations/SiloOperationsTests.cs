// What an operator relies on when running the silo executable: the readiness probe checks membership and storage,
// the JSON console format (selected through the environment variable form), a graceful stop on SIGTERM within the
// documented shutdown timeout, and an online backup of the embedded SQLite database that a fresh silo starts from.
// Each test starts real `Marketplace.Silo.dll` processes on the embedded defaults (free ports, temporary folders) and
// drives them over HTTP and signals. Needs no outside service.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests.Operations;

/// <summary>Health, JSON logs, SIGTERM and backup/restore of the silo process.</summary>
public sealed class SiloOperationsTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The documented default of <c>Marketplace:Host:ShutdownTimeout</c> (silo/Hosting/SiloHostOptions.cs).</summary>
    private static readonly TimeSpan DocumentedShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Bound on one job from submit to terminal, generous for a loaded 2-core machine.</summary>
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(180);

    /// <summary>A second client, not an operator.</summary>
    private const string BobKey = "cluster-test-key-bob-0123456789abcdef01";

    private readonly EmbeddedSilos _silos = EmbeddedSilos.Create();

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task Readiness_reports_membership_storage_and_grains_of_a_running_silo()
    {
        var silo = _silos.Start();
        await silo.WaitReadyAsync(SiloCluster.StartBound);
        using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var ready = await http.GetAsync(new Uri("v1/health/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();
        output.WriteLine(body);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var report = JsonDocument.Parse(body);
        var checks = report.RootElement.GetProperty("checks");
        Assert.Equal("ready", report.RootElement.GetProperty("status").GetString());
        Assert.Equal("ok", checks.GetProperty("silo").GetString());
        Assert.Equal("ok", checks.GetProperty("membership").GetString());
        Assert.Equal("ok", checks.GetProperty("storage").GetString());
        Assert.Equal("ok", checks.GetProperty("grains").GetString());

        // Public: no key needed for either probe, and liveness answers too.
        using var live = await http.GetAsync(new Uri("v1/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Json_log_format_from_the_environment_writes_one_json_object_per_line()
    {
        var silo = _silos.Start(
            new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
            environment: new Dictionary<string, string> { ["Marketplace__Logging__Format"] = "json" });
        await silo.WaitReadyAsync(SiloCluster.StartBound);
        // The "silo ready" line (event 6004) is written once the host started; wait for it, not for a time.
        await Eventually.Until(
            () => Task.FromResult(silo.StandardOutputLines.Any(line => line.Contains("\"EventId\":6004", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60),
            () => "the silo-ready log line on standard output:\n" + silo.Tail());

        var lines = silo.StandardOutputLines.Where(line => line.Length > 0).ToList();
        output.WriteLine($"{lines.Count} lines on standard output; first: {lines[0]}");
        Assert.True(lines.Count >= 2, "expected several log lines:\n" + string.Join('\n', lines));
        foreach (var line in lines)
        {
            using var entry = ParseLogLine(line);
            var root = entry.RootElement;
            var timestamp = root.GetProperty("Timestamp").GetString()!;
            Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
            Assert.True(DateTimeOffset.TryParse(timestamp, System.Globalization.CultureInfo.InvariantCulture, out _), "timestamp: " + timestamp);
            Assert.Equal(JsonValueKind.Number, root.GetProperty("EventId").ValueKind);
            Assert.Contains(root.GetProperty("LogLevel").GetString(), new[] { "Trace", "Debug", "Information", "Warning", "Error", "Critical" });
            Assert.False(string.IsNullOrEmpty(root.GetProperty("Category").GetString()), line);
            Assert.Equal(JsonValueKind.String, root.GetProperty("Message").ValueKind);
        }

        var ready = lines.Select(ParseLogLine).Single(d => d.RootElement.GetProperty("EventId").GetInt32() == 6004);
        Assert.Equal("Marketplace.Silo", ready.RootElement.GetProperty("Category").GetString());
        Assert.StartsWith("Silo ready: HTTP API http://127.0.0.1:", ready.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_stops_the_silo_with_exit_code_zero_within_the_documented_shutdown_timeout()
    {
        var silo = _silos.Start(new Dictionary<string, string> { ["Logging:LogLevel:Marketplace.Silo"] = "Information" });
        await silo.WaitReadyAsync(SiloCluster.StartBound);
        // A completed job: the job, program and worker grains are active and hold state when the signal comes.
        string jobId;
        using (var client = SiloCluster.Client(silo))
        {
            var program = await client.DeployProgramAsync(SamplePrograms.FromFile("programs/echo/echo.wasm", "echo", "01"));
            var job = await client.SubmitJobAsync(new JobSubmission { Program = program.Id, InputInline = "before stop"u8.ToArray() });
            Assert.Equal(JobStatus.Completed, (await client.WaitForJobAsync(job.JobId, JobBound)).Status);
            jobId = job.JobId;
        }

        var watch = Stopwatch.StartNew();
        await silo.TerminateAsync(DocumentedShutdownTimeout);
        output.WriteLine($"exited {watch.Elapsed.TotalSeconds:0.0} s after SIGTERM with code {silo.ExitCode}");
        Assert.Equal(0, silo.ExitCode);
        var log = silo.Tail(400);
        Assert.Contains("Silo stopping: leaving the cluster (shutdown timeout 30 s)", log, StringComparison.Ordinal);
        Assert.Contains("Silo stopped", log.Replace("Silo stopping", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // What the grains held is on disk: a silo started again on the same folder reads the job as it was.
        var again = _silos.Start(dataFolder: silo.DataFolder);
        await again.WaitReadyAsync(SiloCluster.StartBound);
        using var reader = SiloCluster.Client(again);
        Assert.Equal(JobStatus.Completed, (await reader.GetJobAsync(jobId)).Status);
        using var bytes = new MemoryStream();
        await reader.GetJobOutputAsync(jobId, bytes);
        Assert.Equal("BEFORE STOP", Encoding.UTF8.GetString(bytes.ToArray()));
    }

    [Fact]
    public async Task Backup_taken_while_jobs_are_submitted_starts_a_fresh_silo_with_the_same_blob_program_and_job()
    {
        var operators = new Dictionary<string, string>
        {
            ["Marketplace:Api:Operators:0"] = SiloCluster.ClientId,
            ["Marketplace:Api:Keys:" + BobKey] = "bob",
        };
        var first = _silos.Start(operators);
        await first.WaitReadyAsync(SiloCluster.StartBound);
        using var client = SiloCluster.Client(first);
        var blobBytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("backup me ", 1000)));
        var blob = await client.UploadBlobAsync(new MemoryStream(blobBytes), "text/plain");
        var program = await client.DeployProgramAsync(SamplePrograms.FromFile("programs/echo/echo.wasm", "echo", "02"));
        var job = await client.SubmitJobAsync(new JobSubmission { Program = program.Id, RequestId = "kept", InputInline = "hello backup"u8.ToArray() });
        var done = await client.WaitForJobAsync(job.JobId, JobBound);
        Assert.Equal(JobStatus.Completed, done.Status);
        var dealBytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("stored with six providers ", 500)));
        var deal = await client.StoreAsync(dealBytes, dealId: "kept-deal");

        // Jobs keep arriving while the backup runs; the copy is of one moment among them.
        using var stop = new CancellationTokenSource();
        var submitted = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await client.SubmitJobAsync(new JobSubmission { Program = program.Id, RequestId = $"load-{submitted}", InputInline = "load"u8.ToArray() });
                submitted++;
            }
        });
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref submitted) >= 3), TimeSpan.FromSeconds(120), "three submits under way");

        using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        using (var denied = new HttpRequestMessage(HttpMethod.Post, "v1/admin/backup"))
        {
            denied.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BobKey);
            using var answer = await http.SendAsync(denied);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        string backupPath;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/admin/backup"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
            using var answer = await http.SendAsync(request);
            var body = await answer.Content.ReadAsStringAsync();
            output.WriteLine($"backup: {body}");
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            using var info = JsonDocument.Parse(body);
            backupPath = info.RootElement.GetProperty("path").GetString()!;
            Assert.StartsWith(Path.Combine(first.DataFolder, "backups"), backupPath, StringComparison.Ordinal);
            var database = info.RootElement.GetProperty("database").GetString()!;
            Assert.Equal(new FileInfo(database).Length, info.RootElement.GetProperty("database_bytes").GetInt64());

            // The chunks are in it (hard links on one file system: no bytes copied), and so are the workers' keys.
            var chunkFiles = Directory.GetFiles(Path.Combine(backupPath, "chunks"), "*", SearchOption.AllDirectories);
            Assert.Equal(chunkFiles.Length, info.RootElement.GetProperty("chunk_files").GetInt32());
            Assert.NotEmpty(chunkFiles);
            var fragmentFiles = Directory.GetFiles(Path.Combine(backupPath, "providers"), "*", SearchOption.AllDirectories);
            Assert.Equal(fragmentFiles.Length, info.RootElement.GetProperty("fragment_files").GetInt32());
            Assert.True(fragmentFiles.Length >= 6, $"{fragmentFiles.Length} fragment files for a 4+2 deal");
            Assert.Equal(chunkFiles.Length + fragmentFiles.Length, info.RootElement.GetProperty("linked_files").GetInt32());
            Assert.Equal(
                Directory.GetFiles(Path.Combine(first.DataFolder, "workers")).Select(Path.GetFileName).Order(),
                Directory.GetFiles(Path.Combine(backupPath, "workers")).Select(Path.GetFileName).Order());
        }

        var submittedDuringBackup = Volatile.Read(ref submitted);
        await stop.CancelAsync();
        await load;
        output.WriteLine($"{submittedDuringBackup} jobs submitted before the backup answered, {submitted} in all");

        // The restore command refuses the database of the silo that is still running, and changes nothing.
        var refused = await RunSiloCommandAsync("--restore", backupPath, $"--Marketplace:DataFolder={first.DataFolder}");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("in use: stop the silo first", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(first.DataFolder, "replaced")));
        var wrongFile = await RunSiloCommandAsync("--restore", Path.Combine(first.DataFolder, "no-such-backup.db"), $"--Marketplace:DataFolder={first.DataFolder}");
        Assert.True(wrongFile.ExitCode == 1 && wrongFile.Error.Contains("does not exist", StringComparison.Ordinal), wrongFile.ToString());

        // A backup whose chunk no longer holds its bytes is refused before anything changes.
        var damaged = _silos.NewFolder("damaged-backup");
        CopyFolder(backupPath, damaged);
        var victim = Directory.GetFiles(Path.Combine(damaged, "chunks"), "*", SearchOption.AllDirectories)
            .First(f => Path.GetFileName(f).Length == 64 && !f.Contains(Path.DirectorySeparatorChar + "refs" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        File.SetAttributes(victim, FileAttributes.Normal);
        File.WriteAllBytes(victim, [.. File.ReadAllBytes(victim), 0x21]);
        var untouched = _silos.NewFolder("untouched");
        var refusedDamaged = await RunSiloCommandAsync("--restore", damaged, $"--Marketplace:DataFolder={untouched}");
        Assert.True(refusedDamaged.ExitCode == 1, refusedDamaged.ToString());
        Assert.Contains("does not hold the bytes its name says", refusedDamaged.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(untouched));

        // So is one whose provider's fragment no longer holds the bytes its recorded SHA-256 says.
        var damagedFragment = _silos.NewFolder("damaged-fragment-backup");
        CopyFolder(backupPath, damagedFragment);
        var fragment = Directory.GetFiles(Path.Combine(damagedFragment, "providers"), "*.frag", SearchOption.AllDirectories)
            .First(f => File.Exists(Path.ChangeExtension(f, ".sha256")));
        File.SetAttributes(fragment, FileAttributes.Normal);
        var fragmentBytes = File.ReadAllBytes(fragment);
        fragmentBytes[0] ^= 0x01;
        File.WriteAllBytes(fragment, fragmentBytes);
        var untouchedByFragment = _silos.NewFolder("untouched-by-fragment");
        var refusedFragment = await RunSiloCommandAsync("--restore", damagedFragment, $"--Marketplace:DataFolder={untouchedByFragment}");
        Assert.True(refusedFragment.ExitCode == 1, refusedFragment.ToString());
        Assert.Contains("does not hold the bytes its recorded SHA-256", refusedFragment.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(untouchedByFragment));

        // So is one whose worker key was changed, one whose key was removed, and one with a key it did not take.
        var workerKeys = Directory.GetFiles(Path.Combine(backupPath, "workers"), "*.bls");
        Assert.NotEmpty(workerKeys);
        Assert.Contains($"  workers/{Path.GetFileName(workerKeys[0])}", File.ReadAllText(Path.Combine(backupPath, "keys.sha256")), StringComparison.Ordinal);
        foreach (var (name, change, expected) in new (string, Action<string>, string)[]
        {
            ("changed-key", folder => { var key = Path.Combine(folder, "workers", Path.GetFileName(workerKeys[0])); var bytes = File.ReadAllBytes(key); bytes[^1] ^= 0x01; File.WriteAllBytes(key, bytes); }, "does not hold the bytes its recorded SHA-256"),
            ("missing-key", folder => File.Delete(Path.Combine(folder, "workers", Path.GetFileName(workerKeys[0]))), "that the backup lists is missing"),
            ("extra-key", folder => File.WriteAllBytes(Path.Combine(folder, "workers", "stranger.bls"), new byte[32]), "is not in the backup's key list"),
        })
        {
            var damagedKeys = _silos.NewFolder("damaged-" + name);
            CopyFolder(backupPath, damagedKeys);
            change(damagedKeys);
            var untouchedByKeys = _silos.NewFolder("untouched-by-" + name);
            var refusedKeys = await RunSiloCommandAsync("--restore", damagedKeys, $"--Marketplace:DataFolder={untouchedByKeys}");
            Assert.True(refusedKeys.ExitCode == 1, refusedKeys.ToString());
            Assert.Contains(expected, refusedKeys.Error, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(untouchedByKeys));
        }

        // Restore as silo/README.md says: the one command puts the backup's database, chunks and keys in a new data
        // folder; nothing is copied by hand.
        var restored = _silos.NewFolder("restored");
        var restore = await RunSiloCommandAsync("--restore", backupPath, $"--Marketplace:DataFolder={restored}");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"restored as {Path.Combine(restored, "marketplace.db")}", restore.Output, StringComparison.Ordinal);
        Assert.Contains("chunk files checked against their SHA-256", restore.Output, StringComparison.Ordinal);
        Assert.Matches(@"--restore: ([6-9]|\d{2,}) fragment files checked against their recorded SHA-256", restore.Output);
        Assert.Matches(@"--restore: \d+ key files checked against their recorded SHA-256 and read as keys", restore.Output);
        Assert.Contains($"restored into {Path.Combine(restored, "workers")}", restore.Output, StringComparison.Ordinal);
        await first.TerminateAsync(DocumentedShutdownTimeout);

        var second = _silos.Start(operators, restored);
        await second.WaitReadyAsync(SiloCluster.StartBound);
        using var again = SiloCluster.Client(second);
        using (var read = new MemoryStream())
        {
            await again.DownloadBlobAsync(blob.Id, read);
            Assert.Equal(blobBytes, read.ToArray());
        }

        Assert.Equal(program.Id, (await again.GetProgramAsync("echo@1.0.0")).Id);
        Assert.Equal(dealBytes, await again.RetrieveAsync(deal.DealId));
        var kept = await again.GetJobAsync(job.JobId);
        Assert.Equal(JobStatus.Completed, kept.Status);
        using (var jobOutput = new MemoryStream())
        {
            await again.GetJobOutputAsync(job.JobId, jobOutput);
            Assert.Equal("HELLO BACKUP", Encoding.UTF8.GetString(jobOutput.ToArray()));
        }

        // The same request id reaches the same job on the restored silo: no second run.
        var resubmitted = await again.SubmitJobAsync(new JobSubmission { Program = program.Id, RequestId = "kept", InputInline = "hello backup"u8.ToArray() });
        Assert.Equal(job.JobId, resubmitted.JobId);
    }

    /// <summary>Runs the silo executable as a one-shot command (it exits by itself) and collects what it wrote.</summary>
    private static async Task<CommandResult> RunSiloCommandAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloProcess.SiloAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the silo command {string.Join(' ', arguments)} did not exit within 120 s");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }

    private sealed record CommandResult(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Error}";
    }

    private static JsonDocument ParseLogLine(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException wrong)
        {
            throw new Xunit.Sdk.XunitException($"not a JSON log line ({wrong.Message}): {line}");
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
