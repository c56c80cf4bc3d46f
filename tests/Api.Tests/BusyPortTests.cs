using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>A silo process started on a port somebody holds exits non-zero with one line naming the setting.</summary>
public sealed class BusyPortTests
{
    [Theory]
    [InlineData("Marketplace:Http:Urls")]
    [InlineData("Marketplace:Cluster:SiloPort")]
    [InlineData("Marketplace:Cluster:GatewayPort")]
    public async Task A_busy_port_is_one_line_naming_its_setting(string setting)
    {
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        var busy = ((IPEndPoint)held.LocalEndpoint).Port;
        var ports = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["Marketplace:Http:Urls"] = FreeTcpPorts.Next(),
            ["Marketplace:Cluster:SiloPort"] = FreeTcpPorts.Next(),
            ["Marketplace:Cluster:GatewayPort"] = FreeTcpPorts.Next(),
        };
        ports[setting] = busy;
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
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Http:Urls=http://127.0.0.1:{ports["Marketplace:Http:Urls"]}"));
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Cluster:SiloPort={ports["Marketplace:Cluster:SiloPort"]}"));
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Marketplace:Cluster:GatewayPort={ports["Marketplace:Cluster:GatewayPort"]}"));
            start.ArgumentList.Add("--Marketplace:Api:Keys:busy-port-test-key-0123456789=busy");
            start.ArgumentList.Add("--Marketplace:ParentProcessId=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
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
                Assert.Fail($"the silo kept running with {setting} on a busy port {busy}:\n{await standardOutput}");
            }

            var error = await standardError;
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(process.ExitCode == 2, $"exit code {process.ExitCode}; stderr: {error}; stdout: {await standardOutput}");
            Assert.True(lines.Length == 1, $"expected one line on stderr, got: {error}");
            Assert.Contains(setting, lines[0], StringComparison.Ordinal);
            Assert.Contains(busy.ToString(CultureInfo.InvariantCulture), lines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", await standardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
