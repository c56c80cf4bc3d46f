using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <summary>Puts the credential's call token in the RequestContext of every grain call, renewed a minute before it
/// expires (tokens last five minutes).</summary>
internal sealed class GatewayCallTokens(GatewayCredential credential, TimeProvider time) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private volatile Issued? _current;

    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(GatewayProtocol.CallTokenKey, Current());
        return context.Invoke();
    }

    private string Current()
    {
        var current = _current;
        var now = time.GetUtcNow();
        if (current is null || current.Expires - now < RenewBefore)
        {
            var expires = now + Lifetime;
            current = new Issued(GatewayProtocol.CallToken(credential, expires), expires);
            _current = current;
        }

        return current.Token;
    }

    private sealed record Issued(string Token, DateTimeOffset Expires);
}
