using System.Net;
using System.Net.Sockets;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>An unreachable marketplace is one clear line and exit 5, never a stack trace.</summary>
public sealed class UnreachableTests
{
    [Fact]
    public async Task ClosedGatewayPortIsAClearMessage()
    {
        var port = ClosedPort();
        var result = await new CliRunner().RunAsync("workers", "--gateway", $"127.0.0.1:{port}", "--gateway-credential", $"{TestGatewayServices.Operator}:{TestGatewayServices.OperatorSecret}");
        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith($"error unreachable: cannot reach the marketplace at gateway 127.0.0.1:{port}: ", result.ErrorLine, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task GatewayFromTheEnvironmentIsUsed()
    {
        var port = ClosedPort();
        var result = await new CliRunner().WithGateway($"127.0.0.1:{port}").RunAsync("list-jobs", "--json");
        Assert.Equal(5, result.ExitCode);
        Assert.Contains($"gateway 127.0.0.1:{port}", result.ErrorLine, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nobody listens on (bound, then released).</summary>
    internal static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
