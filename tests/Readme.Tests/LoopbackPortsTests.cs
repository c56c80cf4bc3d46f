using System.Net;
using System.Net.Sockets;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Readme.Tests;

/// <summary>A block never starts against a port someone else holds.</summary>
public sealed class LoopbackPortsTests
{
    [Fact]
    public void A_taken_port_fails_with_a_message_naming_it()
    {
        var port = FreeTcpPorts.Next();
        var holder = new TcpListener(IPAddress.Loopback, port);
        holder.Start();
        try
        {
            var refused = Assert.Throws<InvalidOperationException>(() => LoopbackPorts.RequireFree([port]));
            Assert.Contains($"Port {port} on 127.0.0.1 is taken", refused.Message);
        }
        finally
        {
            holder.Stop();
        }

        LoopbackPorts.RequireFree([port]);
    }
}
