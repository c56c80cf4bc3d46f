using System.Diagnostics;
using System.Globalization;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Configuration;

/// <summary>A silo process started with a setting it refuses exits with code 2 and one line per failing key on
/// stderr, whether the setting is checked while the host is built or when it starts; never a stack trace.</summary>
public sealed class RefusedSettingTests
{
    [Theory]
    [InlineData("--Marketplace:Cluster:Address=0.0.0.0", "Marketplace:Cluster:Address '0.0.0.0'")]
    [InlineData("--Marketplace:Cluster:Address=not-an-address", "Marketplace:Cluster:Address 'not-an-address' is not an IP address")]
    [InlineData("--Marketplace:Api:Keys:refused-setting-key-0123456789=a/b", "Marketplace:Api:Keys: client id 'a/b'")]
    [InlineData("--Marketplace:Api:RateLimit:Clients:alice:Burst=0", "Marketplace:Api:RateLimit:Clients:alice:Burst is 0")]
    [InlineData("--Marketplace:Gateway:Services:svc:Secret=short", "Marketplace:Gateway:Services:svc:Secret must be 32 to 512 characters")]
    [InlineData("--Marketplace:Gateway:Services:svc:Operator=yes", "Marketplace:Gateway:Services:svc:Secret")]
    public async Task A_refused_setting_is_one_line_naming_the_key_and_exit_code_2(string argument, string expected)
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = folder,
            };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Marketplace.Silo.dll"));
            start.ArgumentList.Add("--Marketplace:DataFolder=" + folder);
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Http:Urls=http://127.0.0.1:{FreeTcpPorts.Next()}"));
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Cluster:SiloPort={FreeTcpPorts.Next()}"));
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Cluster:GatewayPort={FreeTcpPorts.Next()}"));
            start.ArgumentList.Add("--Marketplace:ParentProcessId=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var standardError = process.StandardError.ReadToEndAsync();
            var standardOutput = process.StandardOutput.ReadToEndAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the silo kept running with {argument}:\n{await standardOutput}");
            }

            var error = await standardError;
            var output = await standardOutput;
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(process.ExitCode == 2, $"exit code {process.ExitCode}; stderr: {error}; stdout: {output}");
            Assert.True(lines.Length >= 1, $"expected a line on stderr, got: {error}");
            Assert.All(lines, line => Assert.StartsWith("Marketplace silo: setting refused: Marketplace:", line, StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains(expected, StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", error + output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
