using System.Net;
using System.Net.Http.Json;
using Marketplace.Silo.Api;
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
    public async Task The_embedded_silos_dev_key_is_an_operators_unless_turned_off_or_operators_are_listed()
    {
        await using (var silo = await ApiTestSilo.StartAsync(withKeys: false))
        {
            using var http = silo.NewHttpClient(File.ReadAllText(Path.Combine(silo.DataFolder, "dev-api-key")).Trim());
            using var snapshot = await http.GetAsync("dashboard/marketplace/api/snapshot");
            Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        }

        foreach (var settings in new[]
        {
            new Dictionary<string, string?> { ["Marketplace:Api:DevelopmentKeyIsOperator"] = "false" },
            new Dictionary<string, string?> { ["Marketplace:Api:Operators:0"] = "someone-else" },
        })
        {
            await using var silo = await ApiTestSilo.StartAsync(settings, withKeys: false);
            using var http = silo.NewHttpClient(File.ReadAllText(Path.Combine(silo.DataFolder, "dev-api-key")).Trim());
            await ProblemAssert.IsProblemAsync(await http.GetAsync("dashboard/marketplace/api/snapshot"), 403, "forbidden");
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

    [Fact]
    public async Task Silos_naming_one_dev_key_file_share_one_key()
    {
        var shared = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"), "keys", "dev-api-key");
        var settings = new Dictionary<string, string?> { ["Marketplace:Api:DevKeyFile"] = shared };
        await using var first = await ApiTestSilo.StartAsync(settings, withKeys: false);
        await using var second = await ApiTestSilo.StartAsync(settings, withKeys: false);
        var key = File.ReadAllText(shared).Trim();
        Assert.False(File.Exists(Path.Combine(first.DataFolder, "dev-api-key")));
        Assert.False(File.Exists(Path.Combine(second.DataFolder, "dev-api-key")));
        Assert.Contains(key, first.Notices, StringComparison.Ordinal);
        Assert.DoesNotContain(key, second.Notices, StringComparison.Ordinal);
        Assert.Contains(shared, second.Notices, StringComparison.Ordinal);
        Assert.Equal("dev", await ClientIdAsync(first, key));
        Assert.Equal("dev", await ClientIdAsync(second, key));
    }

    [Fact]
    public async Task Silos_starting_at_once_agree_on_one_key_and_leave_no_stray_files()
    {
        // Many rounds, so an interleaving that lets two starters each write a key has many chances to show.
        for (var round = 0; round < 40; round++)
        {
            var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
            var path = Path.Combine(folder, "dev-api-key");
            using var start = new Barrier(8);
            var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return DevApiKeyStore.LoadOrCreate(path, "http://127.0.0.1:8080", TextWriter.Null);
            })));
            Assert.Single(keys.Distinct(StringComparer.Ordinal));
            Assert.Equal(keys[0], File.ReadAllText(path).Trim());
            Assert.Equal(["dev-api-key"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void A_key_written_by_hand_without_a_line_break_is_read_as_it_is()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "dev-api-key");
        File.WriteAllText(path, "operator-chosen-key-0123456789");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
        var notices = new StringWriter();
        Assert.Equal("operator-chosen-key-0123456789", DevApiKeyStore.LoadOrCreate(path, "http://127.0.0.1:8080", notices));
        Assert.Contains(path, notices.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_key_file_is_refused_with_the_fix()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "dev-api-key");
        File.WriteAllText(path, "short\n");
        var error = Assert.Throws<InvalidOperationException>(() => DevApiKeyStore.LoadOrCreate(path, "http://127.0.0.1:8080", TextWriter.Null));
        Assert.Contains("delete it", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> ClientIdAsync(ApiTestSilo silo, string key)
    {
        using var http = silo.NewHttpClient(key);
        using var response = await http.GetAsync("v1/client");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["client_id"];
    }
}
