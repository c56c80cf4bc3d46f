using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>With no keys configured the silo generates a development key once and reuses it.</summary>
public sealed class DevKeyTests
{
    [Fact]
    public async Task The_dev_key_is_generated_once_printed_once_stored_private_and_reused()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        var keyFile = Path.Combine(folder, "dev-api-key");
        string key;
        await using (var silo = await ApiTestSilo.StartAsync(withKeys: false, dataFolder: folder))
        {
            Assert.True(File.Exists(keyFile));
            key = File.ReadAllText(keyFile).Trim();
            Assert.StartsWith("mk_dev_", key, StringComparison.Ordinal);
            Assert.True(key.Length >= 40);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            Assert.Contains(key, silo.Notices, StringComparison.Ordinal);
            Assert.Contains("Authorization: Bearer " + key, silo.Notices, StringComparison.Ordinal);
            Assert.Equal("dev", await ClientIdAsync(silo, key));

            var writtenAt = File.GetLastWriteTimeUtc(keyFile);
            await silo.RestartAsync();
            Assert.Equal(key, File.ReadAllText(keyFile).Trim());
            Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(keyFile));
            Assert.Equal("dev", await ClientIdAsync(silo, key));
            // The second start names the file but does not print the key again.
            var secondStart = silo.Notices[(silo.Notices.LastIndexOf("=====", StringComparison.Ordinal) + 5)..];
            Assert.DoesNotContain(key, secondStart, StringComparison.Ordinal);
            Assert.Contains(keyFile, secondStart, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Configured_keys_turn_the_dev_key_off()
    {
        await using var silo = await ApiTestSilo.StartAsync();
        Assert.False(File.Exists(Path.Combine(silo.DataFolder, "dev-api-key")));
        Assert.Equal("", silo.Notices);
        Assert.Equal("alice", await ClientIdAsync(silo, ApiTestSilo.AliceKey));
    }

    [Fact]
    public async Task With_no_keys_and_the_dev_key_disabled_every_call_is_unauthorized()
    {
        await using var silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?> { ["Marketplace:Api:DevKey"] = "false" }, withKeys: false);
        Assert.False(File.Exists(Path.Combine(silo.DataFolder, "dev-api-key")));
        using var http = silo.NewHttpClient("anything-at-all-0123456789");
        await ProblemAssert.IsProblemAsync(await http.GetAsync("v1/client"), 401, "unauthorized");
    }

    private static async Task<string> ClientIdAsync(ApiTestSilo silo, string key)
    {
        using var http = silo.NewHttpClient(key);
        using var response = await http.GetAsync("v1/client");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["client_id"];
    }
}
