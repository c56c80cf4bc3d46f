using Microsoft.Extensions.Logging;

namespace Marketplace.Runtime.Streams;

/// <summary>Streaming log events.</summary>
internal sealed partial class StreamLog(ILogger logger)
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Delivery of {Token} on {Provider}:{StreamId} to subscription {HandleId} ({Consumer}) failed")]
    public partial void DeliveryFailed(Exception exception, string token, string provider, string streamId, Guid handleId, string consumer);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Loading the subscriptions of {Provider}:{StreamId} failed; delivering to the subscriptions known so far")]
    public partial void LoadFailed(Exception exception, string provider, string streamId);
}
