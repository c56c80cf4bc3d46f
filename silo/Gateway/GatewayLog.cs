using Marketplace.Grains;

namespace Marketplace.Silo.Gateway;

/// <summary>The grain gateway's log events (ids in <see cref="MarketplaceEventIds"/>).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = MarketplaceEventIds.GatewayConnectionAccepted, Level = LogLevel.Debug, Message = "Gateway connection from {Remote} accepted for service {Service}")]
    public static partial void ConnectionAccepted(ILogger logger, string remote, string service);

    [LoggerMessage(EventId = MarketplaceEventIds.GatewayConnectionRefused, Level = LogLevel.Warning, Message = "Gateway connection from {Remote} refused: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.GatewayCallRefused, Level = LogLevel.Warning, Message = "Grain call {Interface}.{Method} from a gateway client refused: {Reason}")]
    public static partial void CallRefused(ILogger logger, string @interface, string method, string reason);
}
