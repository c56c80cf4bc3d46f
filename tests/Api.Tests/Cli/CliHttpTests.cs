using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The CLI over the HTTP API (its default transport) on the shared API silo: the whole flow, API keys and
/// an unreachable server.</summary>
[Collection(ApiCollection.Name)]
public sealed class CliHttpTests(ApiSiloFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-").FullName;
    private readonly string _name = "cli-http-echo-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CliRunner Cli(string key = ApiTestSilo.AliceKey) =>
        new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", key);

    [Fact]
    public async Task UploadDeploySubmitWaitAndReadTheOutputOverHttp()
    {
        var key = Path.Combine(_folder, "deployer.json");
        Assert.Equal(0, (await Cli().RunAsync("keygen", "--out", key)).ExitCode);
        var wasm = Path.Combine(SharedData.RepositoryRoot, "programs", "echo", "echo.wasm");
        var deploy = await Cli().RunAsync("deploy", "--file", wasm, "--name", _name, "--version", "1.0.0", "--key", key);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Matches(@"name\s+" + _name + "@1.0.0", deploy.Output);

        var input = Path.Combine(_folder, "input.txt");
        await File.WriteAllTextAsync(input, "hello world");
        var blob = await Cli().RunAsync("upload-blob", "--file", input, "--json");
        Assert.True(blob.ExitCode == 0, blob.ToString());
        var blobId = JsonDocument.Parse(blob.Output).RootElement.GetProperty("id").GetString()!;

        var submit = await Cli().RunAsync("submit-job", "--program", _name, "--input-blob", blobId, "--wait", "--wait-timeout", "60s", "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        using var job = JsonDocument.Parse(submit.Output);
        Assert.Equal("completed", job.RootElement.GetProperty("status").GetString());
        var jobId = job.RootElement.GetProperty("job_id").GetString()!;

        var output = await Cli().RunAsync("job-output", "--id", jobId);
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Equal("HELLO WORLD", output.StandardOutputText);

        var copy = Path.Combine(_folder, "copy.txt");
        Assert.Equal(0, (await Cli().RunAsync("get-blob", "--id", blobId, "--out", copy)).ExitCode);
        Assert.Equal("hello world", await File.ReadAllTextAsync(copy));

        var bob = await Cli(ApiTestSilo.BobKey).RunAsync("job-status", "--id", jobId);
        Assert.True(bob.ExitCode is 2 or 4, bob.ToString());
        Assert.Matches("^error (forbidden|job_not_found): ", bob.ErrorLine);
    }

    [Fact]
    public async Task OwnersShareAndPublishBlobsAndOtherKeysSeeNotFound()
    {
        var input = Path.Combine(_folder, "shared.txt");
        await File.WriteAllTextAsync(input, "shared over http " + Guid.NewGuid());
        var upload = await Cli().RunAsync("upload-blob", "--file", input, "--json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var id = JsonDocument.Parse(upload.Output).RootElement.GetProperty("id").GetString()!;

        var denied = await Cli(ApiTestSilo.BobKey).RunAsync("get-blob", "--id", id);
        Assert.Equal(2, denied.ExitCode);
        Assert.StartsWith("error blob_not_found: ", denied.ErrorLine, StringComparison.Ordinal);
        Assert.Equal(2, (await Cli(ApiTestSilo.BobKey).RunAsync("publish-blob", "--id", id)).ExitCode);

        var published = await Cli().RunAsync("publish-blob", "--id", id, "--json");
        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.True(JsonDocument.Parse(published.Output).RootElement.GetProperty("public").GetBoolean());
        var read = await Cli(ApiTestSilo.BobKey).RunAsync("get-blob", "--id", id);
        Assert.Equal(await File.ReadAllTextAsync(input), read.StandardOutputText);

        Assert.Equal(0, (await Cli().RunAsync("unpublish-blob", "--id", id)).ExitCode);
        Assert.Equal(2, (await Cli(ApiTestSilo.BobKey).RunAsync("get-blob", "--id", id)).ExitCode);
        var shared = await Cli().RunAsync("share-blob", "--id", id, "--client", "bob");
        Assert.True(shared.ExitCode == 0, shared.ToString());
        Assert.Matches(@"shared with\s+bob", shared.Output);
        Assert.Equal(0, (await Cli(ApiTestSilo.BobKey).RunAsync("get-blob", "--id", id)).ExitCode);

        var badClient = await Cli().RunAsync("share-blob", "--id", id, "--client", "a/b");
        Assert.Equal(3, badClient.ExitCode);
        Assert.StartsWith("error invalid_request: ", badClient.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteBlobGivesUpABlobAndClientShowsTheStoredBytes()
    {
        var file = Path.Combine(_folder, "owned.bin");
        await File.WriteAllTextAsync(file, "bytes alice gives up " + Guid.NewGuid());
        var size = new FileInfo(file).Length;
        var before = await Cli().RunAsync("client", "--json");
        Assert.True(before.ExitCode == 0, before.ToString());
        var stored = JsonDocument.Parse(before.Output).RootElement.GetProperty("stored_bytes").GetInt64();
        var upload = await Cli().RunAsync("upload-blob", "--file", file, "--json");
        var blobId = JsonDocument.Parse(upload.Output).RootElement.GetProperty("id").GetString()!;

        var table = await Cli().RunAsync("client");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"client\s+alice", table.Output);
        Assert.Contains((stored + size).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " bytes", table.Output, StringComparison.Ordinal);

        var bob = await Cli(ApiTestSilo.BobKey).RunAsync("delete-blob", "--id", blobId);
        Assert.Equal(2, bob.ExitCode);
        Assert.StartsWith("error blob_not_found", bob.ErrorLine, StringComparison.Ordinal);

        var deleted = await Cli().RunAsync("delete-blob", "--id", blobId, "--json");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        using var after = JsonDocument.Parse(deleted.Output);
        Assert.Equal(stored, after.RootElement.GetProperty("stored_bytes").GetInt64());
        Assert.Equal("alice", after.RootElement.GetProperty("client_id").GetString());
        Assert.Equal(2, (await Cli().RunAsync("delete-blob", "--id", blobId)).ExitCode);
    }

    [Fact]
    public async Task MissingAndWrongApiKeysAreAuthErrors()
    {
        var none = await new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).RunAsync("programs");
        Assert.Equal(4, none.ExitCode);
        Assert.StartsWith("error unauthorized: ", none.ErrorLine, StringComparison.Ordinal);
        Assert.Contains("--api-key", none.ErrorLine, StringComparison.Ordinal);

        var wrong = await Cli("not-a-key-0123456789").RunAsync("programs");
        Assert.Equal(4, wrong.ExitCode);
        Assert.StartsWith("error unauthorized: ", wrong.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServerIsOneClearLine()
    {
        var port = UnreachableTests.ClosedPort();
        var result = await new CliRunner().With("MARKETPLACE_API_KEY", "k-0123456789abcdef").RunAsync("list-jobs", "--url", $"http://127.0.0.1:{port}");
        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith($"error unreachable: cannot reach the marketplace at http://127.0.0.1:{port}: ", result.ErrorLine, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonOutputsParse()
    {
        foreach (var (verb, list) in new[] { ("programs", "programs"), ("list-jobs", "jobs"), ("workers", "workers") })
        {
            var result = await Cli().RunAsync(verb, "--json");
            Assert.True(result.ExitCode == 0, verb + ": " + result);
            var page = JsonDocument.Parse(result.Output).RootElement;
            Assert.Equal(JsonValueKind.Array, page.GetProperty(list).ValueKind);
            Assert.True(page.TryGetProperty("next_cursor", out _), verb + ": " + result.Output);
        }
    }
}
