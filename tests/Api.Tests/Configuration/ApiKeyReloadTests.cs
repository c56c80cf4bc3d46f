using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Configuration;

/// <summary>API keys in a <c>--config</c> file are read again when the file changes: a key removed there is refused
/// and a key added is accepted, without a restart; a change that would not load keeps the keys in force.</summary>
public sealed class ApiKeyReloadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_key_removed_from_the_config_file_is_refused_and_a_key_added_is_accepted_without_a_restart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var keysFile = Path.Combine(folder, "keys.json");
        const string Old = "reload-test-old-key-0123456789abcdef";
        const string New = "reload-test-new-key-0123456789abcdef";
        await WriteKeysAsync(keysFile, $"\"{Old}\": \"alice\"");
        var port = FreeTcpPorts.Next();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Marketplace.Silo.dll"));
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(keysFile);
        start.ArgumentList.Add("--Marketplace:DataFolder=" + folder);
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Http:Urls=http://127.0.0.1:{port}"));
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Cluster:SiloPort={FreeTcpPorts.Next()}"));
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Cluster:GatewayPort={FreeTcpPorts.Next()}"));
        start.ArgumentList.Add("--Marketplace:ParentProcessId=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--Marketplace:Workers:0:Id=reload-w1");
        using var process = new Process { StartInfo = start };
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lines.Enqueue(line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lines.Enqueue(line); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        try
        {
            Assert.True(await UntilAsync(async () => await StatusAsync(http, Old) == HttpStatusCode.OK), "the silo never accepted the configured key");
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, New));

            await WriteKeysAsync(keysFile, $"\"{New}\": \"alice\"");
            Assert.True(await UntilAsync(async () => await StatusAsync(http, Old) == HttpStatusCode.Unauthorized), "the removed key was still accepted");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, New));

            // A change that would not load (a client id with '/') keeps the keys in force, and says so.
            await WriteKeysAsync(keysFile, $"\"{Old}\": \"a/b\"");
            Assert.True(await UntilAsync(() => Task.FromResult(lines.Any(l => l.Contains("the changed API keys were refused", StringComparison.Ordinal)))),
                "no notice of the refused change");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, New));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, Old));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.DoesNotContain(lines, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // a file still held by the exiting process
            }
        }
    }

    private static async Task WriteKeysAsync(string path, string keys)
    {
        // Written beside and moved over, so the silo never reads half a file.
        var next = path + ".next";
        await File.WriteAllTextAsync(next, $$"""{ "Marketplace": { "Api": { "Keys": { {{keys}} } } } }""");
        File.Move(next, path, overwrite: true);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/client");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    // Waits for the condition on the silo's answers (not on a timer of ours), up to the bound.
    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        return false;
    }
}
