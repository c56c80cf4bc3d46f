// Design: the check runs as connection middleware on the gateway's inbound connections only (silo-to-silo
// connections are untouched), before Orleans reads the client's preamble: a connection that does not prove a
// service's secret within the deadline is closed with a reason and no byte of it is read as a message, so no grain
// can run for it. The silo speaks first, so a plain Orleans client (which sends its preamble at once) is refused by
// the first bytes it sends.
using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Marketplace.GrainInterfaces;
using Microsoft.AspNetCore.Connections;

namespace Marketplace.Silo.Gateway;

/// <summary>Server side of the gateway credential check (<see cref="GatewayProtocol"/>).</summary>
internal sealed class GatewayHandshake(GatewayServiceRegistry services, ILogger logger, TimeSpan deadline)
{
    /// <summary>How long a new connection has to answer the challenge: 10 s.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    // How long a refused connection stays open for its reason to reach the client.
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(1);

    // magic, version, name length, the longest name, proof
    private const int LongestAnswer = 4 + 1 + 1 + GatewayCredential.MaxServiceLength + GatewayProtocol.ProofLength;

    /// <summary>Runs the check, then the rest of the connection's pipeline; a refused connection ends here.</summary>
    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var remote = connection.RemoteEndPoint?.ToString() ?? "unknown";
        var challenge = RandomNumberGenerator.GetBytes(GatewayProtocol.ChallengeLength);
        var hello = new byte[GatewayProtocol.HelloLength];
        GatewayProtocol.Magic.CopyTo(hello);
        hello[4] = GatewayProtocol.Version;
        challenge.CopyTo(hello, 5);
        var transport = connection.Transport;
        await transport.Output.WriteAsync(hello, connection.ConnectionClosed).ConfigureAwait(false);

        string? refusal;
        GatewayService? service = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(deadline);
            try
            {
                (service, refusal) = await ReadAnswerAsync(transport.Input, challenge, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!connection.ConnectionClosed.IsCancellationRequested)
            {
                refusal = $"no gateway credential within {deadline.TotalSeconds:0} s (grain clients need the marketplace sdk with a credential)";
            }
        }

        if (refusal is not null || service is null)
        {
            refusal ??= "refused";
            GatewayLog.ConnectionRefused(logger, remote, refusal);
            await transport.Output.WriteAsync(GatewayProtocol.Refusal(refusal), CancellationToken.None).ConfigureAwait(false);
            // Completing the output sends what was written and then shuts the socket's sending side; the connection is
            // closed when this returns. A client that reads the reason closes its end, which ends the wait early.
            await transport.Output.CompleteAsync().ConfigureAwait(false);
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (connection.ConnectionClosed.Register(() => closed.TrySetResult()))
            {
                await Task.WhenAny(Task.Delay(RefusalLinger, CancellationToken.None), closed.Task).ConfigureAwait(false);
            }

            return;
        }

        await transport.Output.WriteAsync(new[] { GatewayProtocol.Accepted }, connection.ConnectionClosed).ConfigureAwait(false);
        GatewayLog.ConnectionAccepted(logger, remote, service.Name);
        await next(connection).ConfigureAwait(false);
    }

    private async Task<(GatewayService? Service, string? Refusal)> ReadAnswerAsync(PipeReader input, byte[] challenge, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var outcome = TryParse(buffer, challenge, out var consumed);
            if (outcome is { } done)
            {
                input.AdvanceTo(buffer.GetPosition(consumed));
                return done;
            }

            if (read.IsCompleted)
            {
                input.AdvanceTo(buffer.End);
                return (null, "the connection closed before it presented a gateway credential");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // Null while more bytes are needed; else the service or the reason it is refused.
    private (GatewayService?, string?)? TryParse(ReadOnlySequence<byte> buffer, byte[] challenge, out long consumed)
    {
        consumed = 0;
        Span<byte> head = stackalloc byte[6];
        var available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        // Refuse as soon as the bytes cannot be an answer: an Orleans preamble or anything else.
        for (var i = 0; i < Math.Min(available, 4); i++)
        {
            if (head[i] != GatewayProtocol.Magic[i])
            {
                return (null, "no gateway credential: the client sent something else (connect with the marketplace sdk or CLI and a credential, service:secret)");
            }
        }

        if (available < 6)
        {
            return null;
        }

        if (head[4] != GatewayProtocol.Version)
        {
            return (null, $"gateway protocol version {head[4]} is not supported (this silo speaks {GatewayProtocol.Version})");
        }

        var nameLength = head[5];
        if (nameLength is 0 or > GatewayCredential.MaxServiceLength)
        {
            return (null, "the service name must be 1 to 64 characters");
        }

        var total = 6 + nameLength + GatewayProtocol.ProofLength;
        if (buffer.Length < total)
        {
            return null;
        }

        Span<byte> answer = stackalloc byte[LongestAnswer];
        buffer.Slice(0, total).CopyTo(answer);
        consumed = total;
        var name = Encoding.ASCII.GetString(answer.Slice(6, nameLength));
        if (!GatewayCredential.IsServiceName(name))
        {
            return (null, "the service name must be letters, digits, '-' or '_'");
        }

        var service = services.Find(name);
        var proof = answer.Slice(6 + nameLength, GatewayProtocol.ProofLength);
        // An unknown name is checked against a throwaway secret, so the answer takes as long as for a known one.
        var expected = GatewayProtocol.ConnectionProof(service?.Secret ?? "unknown-service-placeholder-secret-000000", challenge, name);
        var matches = CryptographicOperations.FixedTimeEquals(expected, proof);
        if (service is null || !matches)
        {
            return (null, $"gateway credential of service '{name}' refused: unknown service or wrong secret");
        }

        return (service, null);
    }
}
