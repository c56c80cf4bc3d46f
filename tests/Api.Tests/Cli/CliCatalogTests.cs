using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The CLI's paging options and its delegation verbs over the HTTP API: the owner grants a key, the key
/// deploys, the owner revokes it, the key is refused.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class CliCatalogTests(ApiSiloFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-").FullName;
    private readonly string _name = "cli-deleg-" + Guid.NewGuid().ToString("N")[..8];

    private static string EchoWasm => Path.Combine(SharedData.RepositoryRoot, "programs", "echo", "echo.wasm");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TheOwnerDelegatesAndRevokesAndTheDelegateDeploysInBetween()
    {
        var (ownerKey, owner) = await KeyAsync("owner");
        var (delegateKey, @delegate) = await KeyAsync("delegate");
        Assert.Equal(0, (await DeployAsync("1.0.0", ownerKey)).ExitCode);

        var refused = await DeployAsync("1.1.0", delegateKey);
        Assert.Equal(3, refused.ExitCode);
        Assert.StartsWith("error program_rejected: manifest name: ", refused.ErrorLine, StringComparison.Ordinal);

        var grant = await Cli().RunAsync("delegate", "--name", _name, "--to", @delegate, "--key", ownerKey);
        Assert.True(grant.ExitCode == 0, grant.ToString());
        Assert.Matches(@"delegates\s+" + @delegate, grant.Output);
        Assert.Equal(0, (await DeployAsync("1.1.0", delegateKey)).ExitCode);

        var shown = await Cli().RunAsync("delegates", "--name", _name, "--json");
        using (var info = JsonDocument.Parse(shown.Output))
        {
            Assert.Equal(owner, info.RootElement.GetProperty("owner").GetString());
            Assert.Equal(1, info.RootElement.GetProperty("delegation_nonce").GetInt64());
            Assert.Equal(2, info.RootElement.GetProperty("version_count").GetInt32());
        }

        var notOwner = await Cli().RunAsync("delegate", "--name", _name, "--to", owner, "--key", delegateKey);
        Assert.Equal(4, notOwner.ExitCode);
        Assert.StartsWith("error forbidden: delegation: ", notOwner.ErrorLine, StringComparison.Ordinal);
        var replay = await Cli().RunAsync("delegate", "--name", _name, "--to", @delegate, "--key", ownerKey, "--nonce", "1");
        Assert.Equal(3, replay.ExitCode);
        Assert.StartsWith("error program_rejected: nonce: ", replay.ErrorLine, StringComparison.Ordinal);

        var revoke = await Cli().RunAsync("delegate", "--name", _name, "--to", @delegate, "--key", ownerKey, "--revoke");
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Matches(@"delegates\s+-", revoke.Output);
        Assert.Equal(3, (await DeployAsync("1.2.0", delegateKey)).ExitCode);

        var usage = await Cli().RunAsync("delegate", "--name", _name, "--to", "0x12", "--key", ownerKey);
        Assert.Equal(1, usage.ExitCode);
        Assert.StartsWith("error usage: --to: ", usage.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListVerbsPrintAPageAndTheCursorOfTheNext()
    {
        var (ownerKey, _) = await KeyAsync("owner");
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
        {
            Assert.Equal(0, (await DeployAsync(version, ownerKey)).ExitCode);
        }

        var first = await Cli().RunAsync("programs", "--name", _name, "--limit", "2");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("2 programs", first.Output, StringComparison.Ordinal);
        var cursor = MoreLine().Match(first.Output).Groups[1].Value;
        Assert.NotEmpty(cursor);
        var second = await Cli().RunAsync("programs", "--name", _name, "--limit", "2", "--cursor", cursor, "--json");
        using (var page = JsonDocument.Parse(second.Output))
        {
            Assert.Equal("1.2.0", Assert.Single(page.RootElement.GetProperty("programs").EnumerateArray()).GetProperty("manifest").GetProperty("version").GetString());
            Assert.Equal(JsonValueKind.Null, page.RootElement.GetProperty("next_cursor").ValueKind);
        }

        var all = await Cli().RunAsync("programs", "--name", _name, "--limit", "1", "--all", "--json");
        using (var page = JsonDocument.Parse(all.Output))
        {
            Assert.Equal(3, page.RootElement.GetProperty("programs").GetArrayLength());
        }

        var catalog = await Cli().RunAsync("programs", "--all");
        Assert.True(catalog.ExitCode == 0, catalog.ToString());
        Assert.DoesNotContain("more: --cursor", catalog.Output, StringComparison.Ordinal);
        Assert.Contains(_name, catalog.Output, StringComparison.Ordinal);

        var badLimit = await Cli().RunAsync("workers", "--limit", "1001");
        Assert.Equal(1, badLimit.ExitCode);
        Assert.Equal("error usage: --limit: 1001 is outside 1..1000.", badLimit.ErrorLine);
        var badCursor = await Cli().RunAsync("list-jobs", "--cursor", "nonsense");
        Assert.Equal(3, badCursor.ExitCode);
        Assert.StartsWith("error invalid_request: cursor: ", badCursor.ErrorLine, StringComparison.Ordinal);
    }

    private CliRunner Cli() =>
        new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);

    private async Task<(string Path, string Address)> KeyAsync(string file)
    {
        var path = Path.Combine(_folder, file + ".json");
        var made = await Cli().RunAsync("keygen", "--out", path, "--json");
        Assert.True(made.ExitCode == 0, made.ToString());
        using var json = JsonDocument.Parse(made.Output);
        return (path, json.RootElement.GetProperty("address").GetString()!);
    }

    private Task<CliResult> DeployAsync(string version, string key) =>
        Cli().RunAsync("deploy", "--file", EchoWasm, "--name", _name, "--version", version, "--key", key, "--salt", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()));

    [GeneratedRegex("more: --cursor ([A-Za-z0-9_-]+)")]
    private static partial Regex MoreLine();
}
