using System.Text.Json;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>Command-line mistakes: each gives one <c>error usage: ...</c> line and exit 1, before any connection
/// (the runs below point at a closed port, so touching the network would give exit 5 instead).</summary>
public sealed class CliUsageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-").FullName;
    private readonly CliRunner _cli = new CliRunner().WithGateway("127.0.0.1:1");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task NoVerbIsAUsageError()
    {
        var result = await _cli.RunAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error usage: ", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVerbIsAUsageError()
    {
        var result = await _cli.RunAsync("frobnicate");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("frobnicate", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFileOptionIsNamed()
    {
        var result = await _cli.RunAsync("upload-blob");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error usage: Option '--file' is required. (see `marketplace upload-blob --help`)", result.ErrorLine);
    }

    [Fact]
    public async Task BlobAccessVerbsNameTheirMissingOptions()
    {
        var share = await _cli.RunAsync("share-blob", "--id", "blob" + new string('0', 64));
        Assert.Equal(1, share.ExitCode);
        Assert.Equal("error usage: Option '--client' is required. (see `marketplace share-blob --help`)", share.ErrorLine);
        var publish = await _cli.RunAsync("publish-blob");
        Assert.Equal(1, publish.ExitCode);
        Assert.StartsWith("error usage: Option '--id' is required.", publish.ErrorLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData(" padded")]
    public async Task AMalformedClientIdIsAUsageError(string clientId)
    {
        var result = await _cli.RunAsync("--client-id", clientId, "workers");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error usage: --client-id:", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonexistentFileIsNamed()
    {
        var path = Path.Combine(_folder, "missing.bin");
        var result = await _cli.RunAsync("upload-blob", "--file", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error usage: --file: file '{path}' does not exist.", result.ErrorLine);
    }

    [Fact]
    public async Task DirectoryInsteadOfFileIsNamed()
    {
        var result = await _cli.RunAsync("deploy", "--file", _folder, "--name", "echo", "--version", "1.0.0", "--key", "k");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is a directory", result.ErrorLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--label", "novalue", "error usage: --label: 'novalue' is not key=value.")]
    [InlineData("--label", "=v", "error usage: --label: '=v' is not key=value.")]
    [InlineData("--constraint", "region", "error usage: --constraint: 'region' is not key=value.")]
    public async Task BadPairSyntaxIsNamed(string option, string value, string expected)
    {
        var result = await _cli.RunAsync("submit-job", "--program", "echo", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.ErrorLine);
    }

    [Fact]
    public async Task RepeatedLabelKeyIsAnError()
    {
        var result = await _cli.RunAsync("submit-job", "--program", "echo", "--label", "a=1", "--label", "a=2");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error usage: --label: key 'a' is given twice.", result.ErrorLine);
    }

    [Fact]
    public async Task TwoInputsAreAnError()
    {
        var result = await _cli.RunAsync("submit-job", "--program", "echo", "--input-text", "a", "--input-blob", "blob00");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("at most one of --input, --input-text and --input-blob", result.ErrorLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--timeout", "fast")]
    [InlineData("--ttl", "10 parsecs")]
    [InlineData("--memory", "lots")]
    public async Task BadDurationsAndSizesAreNamed(string option, string value)
    {
        var result = await _cli.RunAsync("submit-job", "--program", "echo", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error usage: {option}: '{value}' is not a ", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonNumericFuelIsAParseError()
    {
        var result = await _cli.RunAsync("submit-job", "--program", "echo", "--fuel", "many");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--fuel", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownStatusListsTheChoices()
    {
        var result = await _cli.RunAsync("list-jobs", "--status", "done");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'timed_out'", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitOutOfRangeIsAnError()
    {
        var result = await _cli.RunAsync("list-jobs", "--limit", "0");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error usage: --limit: 0 is outside 1..1000.", result.ErrorLine);
    }

    [Theory]
    [InlineData("0", "error usage: --amount: must be at least 1 smallest unit (0 moves nothing).")]
    [InlineData("-5", "error usage: --amount: '-5' is not an amount: give a whole number of smallest units (a millionth of a price unit) from 1 to 340282366920938463463374607431768211455.")]
    [InlineData("1.5", "error usage: --amount: '1.5' is not an amount: give a whole number of smallest units (a millionth of a price unit) from 1 to 340282366920938463463374607431768211455.")]
    [InlineData("ten", "error usage: --amount: 'ten' is not an amount: give a whole number of smallest units (a millionth of a price unit) from 1 to 340282366920938463463374607431768211455.")]
    [InlineData("340282366920938463463374607431768211456", "error usage: --amount: '340282366920938463463374607431768211456' is more than the largest amount, 340282366920938463463374607431768211455.")]
    public async Task AnAmountThatIsNotAWholeNumberFromOneToTheLargestIsNamed(string amount, string expected)
    {
        string[][] verbs = [["deposit", "--deposit-id", "d1"], ["stake", "w1", "--operation-id", "s1"], ["unstake", "w1", "--operation-id", "u1"]];
        string[][] forms = [["--amount", amount], ["--amount=" + amount]];
        foreach (var verb in verbs)
        {
            foreach (var form in forms)
            {
                var result = await _cli.RunAsync([.. verb, .. form]);
                Assert.True(result.ExitCode == 1, result.ToString());
                Assert.Equal(expected, result.ErrorLine);
            }
        }
    }

    [Theory]
    [InlineData("--amount", "")]
    [InlineData("--amount=")]
    public async Task AnEmptyAmountIsAUsageErrorNamingTheOption(params string[] amount)
    {
        var result = await _cli.RunAsync(["deposit", "--deposit-id", "d1", .. amount]);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error usage: ", result.ErrorLine, StringComparison.Ordinal);
        Assert.Contains("--amount", result.ErrorLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deposit", "--deposit-id", "d1")]
    [InlineData("stake", "w1", "--operation-id", "s1")]
    public async Task MoneyVerbsNameAMissingAmount(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error usage: Option '--amount' is required.", result.ErrorLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--deposit-id", "a/b", "deposit", "--amount", "5", "--deposit-id", "a/b")]
    [InlineData("--client", " padded", "deposit", "--amount", "5", "--deposit-id", "d1", "--client", " padded")]
    [InlineData("--operation-id", "a/b", "unstake", "w1", "--amount", "5", "--operation-id", "a/b")]
    [InlineData("worker-id", "w/1", "withdraw", "w/1")]
    [InlineData("worker-id", "w/1", "earnings", "w/1")]
    public async Task AMalformedMoneyIdIsNamed(string option, string value, params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error usage: {option}: '{value}' is not an id: give 1 to 128 characters without control characters, '/' or surrounding spaces.", result.ErrorLine);
    }

    [Fact]
    public async Task BadGatewayAddressIsAnError()
    {
        var result = await new CliRunner().RunAsync("workers", "--gateway", "localhost");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error usage: --gateway: 'localhost' is not host:port (e.g. 127.0.0.1:30000, or several separated by commas).", result.ErrorLine);
    }

    [Fact]
    public async Task BadUrlIsAnError()
    {
        var result = await new CliRunner().RunAsync("workers", "--url", "ftp://example");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error usage: --url: 'ftp://example' is not an http:// or https:// address.", result.ErrorLine);
    }

    [Fact]
    public async Task DeployWithoutKeyIsAnError()
    {
        var wasm = Path.Combine(_folder, "m.wasm");
        await File.WriteAllBytesAsync(wasm, [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
        var result = await _cli.RunAsync("deploy", "--file", wasm, "--name", "m", "--version", "1.0.0");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error usage: --key:", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployWithBadSaltIsAnError()
    {
        var wasm = Path.Combine(_folder, "m.wasm");
        await File.WriteAllBytesAsync(wasm, [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
        var result = await _cli.RunAsync("deploy", "--file", wasm, "--name", "m", "--version", "1.0.0", "--key", "k", "--salt", "xyz");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error usage: --salt: 'xyz' is not hex (an even number of 0-9a-f digits).", result.ErrorLine);
    }

    [Fact]
    public async Task DeployWithNotAKeyFileIsAnError()
    {
        var wasm = Path.Combine(_folder, "m.wasm");
        var key = Path.Combine(_folder, "key.json");
        await File.WriteAllBytesAsync(wasm, [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
        await File.WriteAllTextAsync(key, "{\"kind\":\"something-else\"}");
        var result = await _cli.RunAsync("deploy", "--file", wasm, "--name", "m", "--version", "1.0.0", "--key", key);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error invalid_key: --key: '{key}' is not a deployer key file.", result.ErrorLine);
    }

    [Fact]
    public async Task HelpPrintsVerbsAndSucceeds()
    {
        var result = await _cli.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "upload-blob", "get-blob", "deploy", "programs", "submit-job", "job-status", "job-output", "job-logs", "cancel-job", "list-jobs", "workers", "keygen",
            "balance", "deposit", "stake", "unstake", "withdraw", "earnings" })
        {
            Assert.Contains(verb, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HelpNeverPrintsTheApiKeyFromTheEnvironment()
    {
        var result = await _cli.With("MARKETPLACE_API_KEY", "mk_secret_do_not_show").RunAsync("submit-job", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--api-key", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("mk_secret_do_not_show", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeygenWritesAPrivateFileThatDeployReads()
    {
        var key = Path.Combine(_folder, "deployer.json");
        var result = await _cli.RunAsync("keygen", "--out", key, "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var address = json.RootElement.GetProperty("address").GetString()!;
        Assert.Matches("^0x[0-9a-fA-F]{40}$", address);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }

        var again = await _cli.RunAsync("keygen", "--out", key);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"error exists: '{key}' already exists; pass --force to replace it.", again.ErrorLine);

        Assert.Equal(address, Marketplace.Cli.Signing.DeployerKeyFile.AddressOf(Marketplace.Cli.Signing.DeployerKeyFile.Read(key)));
        var replaced = await _cli.RunAsync("keygen", "--out", key, "--force", "--json");
        Assert.Equal(0, replaced.ExitCode);
        using var second = JsonDocument.Parse(replaced.Output);
        Assert.NotEqual(address, second.RootElement.GetProperty("address").GetString());
    }

    [Fact]
    public async Task KeyFileWithWrongAddressIsRefused()
    {
        var key = Path.Combine(_folder, "deployer.json");
        Assert.Equal(0, (await _cli.RunAsync("keygen", "--out", key)).ExitCode);
        var text = await File.ReadAllTextAsync(key);
        var address = Marketplace.Cli.Signing.DeployerKeyFile.AddressOf(Marketplace.Cli.Signing.DeployerKeyFile.Read(key));
        await File.WriteAllTextAsync(key, text.Replace(address, "0x0000000000000000000000000000000000000001", StringComparison.Ordinal));
        var error = Assert.Throws<Marketplace.Cli.CliException>(() => Marketplace.Cli.Signing.DeployerKeyFile.Read(key));
        Assert.Equal("invalid_key", error.Code);
        Assert.Contains("but its key belongs to " + address, error.Message, StringComparison.Ordinal);
    }
}
