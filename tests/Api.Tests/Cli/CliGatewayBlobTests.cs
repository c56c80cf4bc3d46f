using System.Text.Json;
using Marketplace.Api.Tests.Sdk;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The CLI's blob verbs end to end over a real gateway connection: output shapes and error lines.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CliGatewayBlobTests(GatewaySiloFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-").FullName;

    private CliRunner Cli => new CliRunner().WithGateway(fixture.Silo.Gateway);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task UploadThenDownloadToFileAndStdout()
    {
        var data = new byte[(2 * 1024 * 1024) + 99];
        new Random(3).NextBytes(data);
        var input = Path.Combine(_folder, "input.bin");
        await File.WriteAllBytesAsync(input, data);

        var upload = await Cli.RunAsync("upload-blob", "--file", input, "--json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        using var manifest = JsonDocument.Parse(upload.Output);
        var id = manifest.RootElement.GetProperty("id").GetString()!;
        Assert.Equal(data.Length, manifest.RootElement.GetProperty("size").GetInt64());
        Assert.Equal("application/octet-stream", manifest.RootElement.GetProperty("media_type").GetString());
        Assert.True(manifest.RootElement.GetProperty("chunks").GetArrayLength() > 1);

        var copy = Path.Combine(_folder, "copy.bin");
        var download = await Cli.RunAsync("get-blob", "--id", id, "--out", copy);
        Assert.True(download.ExitCode == 0, download.ToString());
        Assert.Equal(data, await File.ReadAllBytesAsync(copy));
        Assert.Contains($"wrote {data.Length:N0} bytes of {id} to {copy}", download.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(copy + ".partial"));

        var range = await Cli.RunAsync("get-blob", "--id", id, "--offset", "1MiB", "--length", "100");
        Assert.True(range.ExitCode == 0, range.ToString());
        Assert.Equal(data.AsSpan(1024 * 1024, 100).ToArray(), range.StandardOutput);
    }

    [Fact]
    public async Task UploadTableShowsTheManifest()
    {
        var input = Path.Combine(_folder, "hello.txt");
        await File.WriteAllTextAsync(input, "hello table");
        var result = await Cli.RunAsync("upload-blob", "--file", input, "--no-progress");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"id\s+blob[0-9a-f]{64}", result.Output);
        Assert.Matches(@"size\s+11 bytes \(11 B\)", result.Output);
        Assert.Matches(@"media type\s+text/plain", result.Output);
    }

    [Fact]
    public async Task TypedBlobErrorsBecomeLinesAndExitCodes()
    {
        var missing = await Cli.RunAsync("get-blob", "--id", "blob" + new string('c', 64), "--out", Path.Combine(_folder, "x"));
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error blob_not_found: ", missing.ErrorLine, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "x")));

        var empty = Path.Combine(_folder, "empty.bin");
        await File.WriteAllBytesAsync(empty, []);
        var rejected = await Cli.RunAsync("upload-blob", "--file", empty);
        Assert.Equal(3, rejected.ExitCode);
        Assert.StartsWith("error blob_empty: ", rejected.ErrorLine, StringComparison.Ordinal);

        var malformed = await Cli.RunAsync("get-blob", "--id", "blob1234");
        Assert.Equal(3, malformed.ExitCode);
        Assert.StartsWith("error invalid_request: ", malformed.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANamedClientActsAsOverHttpAndWithoutANameTheCliHasFullAccess()
    {
        var input = Path.Combine(_folder, "private.txt");
        await File.WriteAllTextAsync(input, "alice's private bytes " + Guid.NewGuid());
        var upload = await Cli.With("MARKETPLACE_CLIENT_ID", "alice").RunAsync("upload-blob", "--file", input, "--json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var id = JsonDocument.Parse(upload.Output).RootElement.GetProperty("id").GetString()!;

        var bob = await Cli.RunAsync("--client-id", "bob", "get-blob", "--id", id);
        Assert.Equal(2, bob.ExitCode);
        Assert.StartsWith("error blob_not_found: ", bob.ErrorLine, StringComparison.Ordinal);
        var bobShares = await Cli.RunAsync("--client-id", "bob", "share-blob", "--id", id, "--client", "bob");
        Assert.Equal(2, bobShares.ExitCode);

        // No client named: the operators' tool reads every blob.
        var operators = await Cli.RunAsync("get-blob", "--id", id);
        Assert.True(operators.ExitCode == 0, operators.ToString());
        Assert.Equal(await File.ReadAllTextAsync(input), operators.StandardOutputText);

        var shared = await Cli.RunAsync("--client-id", "alice", "share-blob", "--id", id, "--client", "bob", "--json");
        Assert.True(shared.ExitCode == 0, shared.ToString());
        Assert.Equal("bob", JsonDocument.Parse(shared.Output).RootElement.GetProperty("shared_with")[0].GetString());
        Assert.Equal(0, (await Cli.RunAsync("--client-id", "bob", "get-blob", "--id", id)).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("--client-id", "alice", "unshare-blob", "--id", id, "--client", "bob")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("--client-id", "bob", "get-blob", "--id", id)).ExitCode);

        var table = await Cli.RunAsync("--client-id", "alice", "blob-access", "--id", id);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"public\s+no", table.Output);
        Assert.Matches(@"owners\s+1", table.Output);
    }

    [Fact]
    public async Task TamperedChunkIsAnIntegrityErrorAndLeavesNoFile()
    {
        var data = new byte[(2 * 1024 * 1024) + 5];
        new Random(13).NextBytes(data);
        var input = Path.Combine(_folder, "victim.bin");
        await File.WriteAllBytesAsync(input, data);
        var upload = await Cli.RunAsync("upload-blob", "--file", input, "--json");
        using var manifest = JsonDocument.Parse(upload.Output);
        var id = manifest.RootElement.GetProperty("id").GetString()!;
        var hash = manifest.RootElement.GetProperty("chunks")[1].GetProperty("hash").GetString()!;

        // The chunk store's documented layout: <DataFolder>/chunks/<2 hex>/<2 hex>/<64 hex>.
        var path = Path.Combine(fixture.Silo.DataFolder, "chunks", hash[..2], hash[2..4], hash);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[100] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var output = Path.Combine(_folder, "out.bin");
        var result = await Cli.RunAsync("get-blob", "--id", id, "--out", output);
        Assert.Equal(6, result.ExitCode);
        Assert.StartsWith("error blob_integrity: ", result.ErrorLine, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));

        bytes[100] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);
    }
}
