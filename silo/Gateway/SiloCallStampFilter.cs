namespace Marketplace.Silo.Gateway;

/// <summary>
/// Puts the cluster's stamp on the grain calls of this silo's hosted client (calls made outside any grain, as the HTTP
/// API's are) and strips it from every call to a client, so it never reaches a gateway client.
/// </summary>
internal sealed class SiloCallStampFilter(SiloCallStamp stamp) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Async on purpose: what this sets in the RequestContext stays within this call, not the caller's turn.
        if (context.TargetId.IsClient())
        {
            RequestContext.Remove(SiloCallStamp.Key);
        }
        else if (context.SourceId is not { } source || source.IsClient())
        {
            RequestContext.Set(SiloCallStamp.Key, stamp.Value);
        }

        await context.Invoke();
    }
}
