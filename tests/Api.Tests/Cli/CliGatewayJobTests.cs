using System.Text;
using System.Text.Json;
using Marketplace.Api.Tests.Sdk;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The CLI's program and job verbs end to end over a real gateway: keygen → deploy → programs → submit
/// --wait → job-output, plus the job error lines.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CliGatewayJobTests(GatewaySiloFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-").FullName;

    // A program name belongs to its first deployer, and each test makes its own key: one name per test.
    private readonly string _name = "cli-echo-" + Guid.NewGuid().ToString("N")[..8];

    private static string EchoWasm => Path.Combine(SharedData.RepositoryRoot, "programs", "echo", "echo.wasm");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CliRunner Cli(string clientId = "cli-tests") =>
        new CliRunner().WithGateway(fixture.Silo.Gateway).With("MARKETPLACE_CLIENT_ID", clientId);

    private async Task<string> DeployEchoAsync(string version)
    {
        var key = Path.Combine(_folder, "deployer.json");
        if (!File.Exists(key))
        {
            Assert.Equal(0, (await Cli().RunAsync("keygen", "--out", key)).ExitCode);
        }

        var deploy = await Cli().RunAsync("deploy", "--file", EchoWasm, "--name", _name, "--version", version, "--key", key,
            "--fuel", "1000000", "--memory", "16MiB", "--timeout", "5s", "--salt", "0x" + Convert.ToHexString(Encoding.ASCII.GetBytes(version)), "--json");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        using var program = JsonDocument.Parse(deploy.Output);
        Assert.Equal(_name, program.RootElement.GetProperty("manifest").GetProperty("name").GetString());
        Assert.Equal(1_000_000, program.RootElement.GetProperty("manifest").GetProperty("max_fuel").GetInt64());
        Assert.Equal(16L << 20, program.RootElement.GetProperty("manifest").GetProperty("max_memory_bytes").GetInt64());
        return program.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task DeploySubmitWaitAndReadTheOutput()
    {
        var programId = await DeployEchoAsync("1.0.0");

        var list = await Cli().RunAsync("programs");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(programId, list.Output, StringComparison.Ordinal);
        Assert.Matches(_name + @"\s+.\s+1\.0\.0", list.Output);

        var submit = await Cli().RunAsync("submit-job", "--program", _name + "@1.0.0", "--input-text", "hello world",
            "--label", "team=blue", "--request-id", "cli-flow-1", "--wait", "--wait-timeout", "60s", "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        using var job = JsonDocument.Parse(submit.Output);
        Assert.Equal("completed", job.RootElement.GetProperty("status").GetString());
        Assert.Equal(programId, job.RootElement.GetProperty("program_id").GetString());
        Assert.Equal("blue", job.RootElement.GetProperty("labels").GetProperty("team").GetString());
        var jobId = job.RootElement.GetProperty("job_id").GetString()!;

        var output = await Cli().RunAsync("job-output", "--id", jobId);
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Equal("HELLO WORLD", output.StandardOutputText);

        var file = Path.Combine(_folder, "out.txt");
        var toFile = await Cli().RunAsync("job-output", "--id", jobId, "--out", file, "--json");
        Assert.Equal(0, toFile.ExitCode);
        Assert.Equal("HELLO WORLD", await File.ReadAllTextAsync(file));

        var status = await Cli().RunAsync("job-status", "--id", jobId);
        Assert.Matches(@"status\s+completed", status.Output);

        var logs = await Cli().RunAsync("job-logs", "--id", jobId, "--json");
        Assert.Equal(0, logs.ExitCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(logs.Output).RootElement.GetProperty("logs").ValueKind);
        var logLines = await Cli().RunAsync("job-logs", "--id", jobId);
        Assert.Matches(@"info +\[1\] attempt 1 assigned to worker", logLines.Output);
        Assert.DoesNotContain("attempt 1 attempt 1", logLines.Output, StringComparison.Ordinal);

        var again = await Cli().RunAsync("submit-job", "--program", _name + "@1.0.0", "--input-text", "hello world", "--label", "team=blue", "--request-id", "cli-flow-1", "--json");
        Assert.Equal(jobId, JsonDocument.Parse(again.Output).RootElement.GetProperty("job_id").GetString());
        var conflict = await Cli().RunAsync("submit-job", "--program", _name + "@1.0.0", "--input-text", "another input", "--label", "team=blue", "--request-id", "cli-flow-1");
        Assert.Equal(3, conflict.ExitCode);
        Assert.Contains("error request_id_conflict", conflict.ToString(), StringComparison.Ordinal);

        var jobs = await Cli().RunAsync("list-jobs", "--status", "completed", "--json");
        Assert.Contains(jobId, jobs.Output, StringComparison.Ordinal);
        var table = await Cli().RunAsync("list-jobs");
        Assert.Contains(jobId, table.Output, StringComparison.Ordinal);

        var cancel = await Cli().RunAsync("cancel-job", "--id", jobId);
        Assert.Equal(3, cancel.ExitCode);
        Assert.StartsWith("error job_conflict: ", cancel.ErrorLine, StringComparison.Ordinal);

        var other = await Cli("someone-else").RunAsync("job-status", "--id", jobId);
        Assert.Equal(4, other.ExitCode);
        Assert.StartsWith("error forbidden: ", other.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProgramAndJobErrorsBecomeLinesAndExitCodes()
    {
        var unknownJob = await Cli().RunAsync("job-status", "--id", "job" + new string('0', 32));
        Assert.Equal(2, unknownJob.ExitCode);
        Assert.StartsWith("error job_not_found: ", unknownJob.ErrorLine, StringComparison.Ordinal);

        var unknownProgram = await Cli().RunAsync("submit-job", "--program", "no-such-program@9.9.9", "--input-text", "x");
        Assert.Equal(2, unknownProgram.ExitCode);
        Assert.StartsWith("error program_not_found: ", unknownProgram.ErrorLine, StringComparison.Ordinal);

        var key = Path.Combine(_folder, "k.json");
        Assert.Equal(0, (await Cli().RunAsync("keygen", "--out", key)).ExitCode);
        var notWasm = Path.Combine(_folder, "bad.wasm");
        await File.WriteAllBytesAsync(notWasm, Encoding.ASCII.GetBytes("not a module"));
        var rejected = await Cli().RunAsync("deploy", "--file", notWasm, "--name", "bad", "--version", "1.0.0", "--key", key);
        Assert.Equal(3, rejected.ExitCode);
        Assert.StartsWith("error program_rejected: ", rejected.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitOnAFailingJobExitsSeven()
    {
        await DeployEchoAsync("2.0.0");
        var result = await Cli().RunAsync("submit-job", "--program", _name + "@2.0.0", "--input-text", "x", "--fuel", "1", "--retries", "0", "--wait", "--wait-timeout", "60s");
        Assert.Equal(7, result.ExitCode);
        Assert.Matches(@"status\s+failed", result.Output);
        Assert.StartsWith("error job_failed: ", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkersTableAndJson()
    {
        var json = await Cli().RunAsync("workers", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var workers = JsonDocument.Parse(json.Output).RootElement.GetProperty("workers");
        Assert.True(workers.GetArrayLength() > 0, json.Output);
        var table = await Cli().RunAsync("workers");
        Assert.Contains("WORKER", table.Output, StringComparison.Ordinal);
        Assert.Contains(workers[0].GetProperty("worker_id").GetString()!, table.Output, StringComparison.Ordinal);
        Assert.Contains($"{workers.GetArrayLength()} worker", table.Output, StringComparison.Ordinal);
    }
}
