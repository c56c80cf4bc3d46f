using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Marketplace.GrainInterfaces;
using Microsoft.AspNetCore.Connections;

namespace Marketplace.Sdk;

/// <summary>
/// Client side of the gateway credential check (<see cref="GatewayProtocol"/>): answers the silo's challenge before
/// Orleans' preamble. A refusal is kept in <see cref="Refusal"/> so that <see cref="GatewayConnection.ConnectAsync"/>
/// can report it instead of a bare timeout.
/// </summary>
internal sealed class GatewayClientHandshake(GatewayCredential credential)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<GatewayRefusedException> _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the first refusal a silo sent.</summary>
    public Task<GatewayRefusedException> Refusal => _refused.Task;

    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(Deadline);
            var transport = connection.Transport;
            var hello = await ReadAsync(transport.Input, GatewayProtocol.HelloLength, timeout.Token).ConfigureAwait(false);
            if (!hello.AsSpan(0, 4).SequenceEqual(GatewayProtocol.Magic) || hello[4] != GatewayProtocol.Version)
            {
                throw Refused("the gateway did not ask for a marketplace credential: it is not a marketplace silo of this version");
            }

            await transport.Output.WriteAsync(GatewayProtocol.Answer(credential, hello.AsSpan(5)), timeout.Token).ConfigureAwait(false);
            var verdict = await ReadAsync(transport.Input, 1, timeout.Token).ConfigureAwait(false);
            if (verdict[0] != GatewayProtocol.Accepted)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(await ReadAsync(transport.Input, 2, timeout.Token).ConfigureAwait(false));
                var reason = Encoding.UTF8.GetString(await ReadAsync(transport.Input, length, timeout.Token).ConfigureAwait(false));
                throw Refused(reason);
            }
        }

        await next(connection).ConfigureAwait(false);
    }

    private GatewayRefusedException Refused(string reason)
    {
        var refused = new GatewayRefusedException($"the gateway refused credential {credential}: {reason}");
        _refused.TrySetResult(refused);
        return refused;
    }

    private static async Task<byte[]> ReadAsync(PipeReader input, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read.Buffer.Length >= count)
            {
                var bytes = read.Buffer.Slice(0, count).ToArray();
                input.AdvanceTo(read.Buffer.GetPosition(count));
                return bytes;
            }

            if (read.IsCompleted)
            {
                input.AdvanceTo(read.Buffer.End);
                throw new ConnectionAbortedException("the gateway closed the connection during the credential check");
            }

            input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}
