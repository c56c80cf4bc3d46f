using Microsoft.Extensions.Logging;

namespace Marketplace.Sdk;

/// <summary>The grain client's log events (event ids 2101–2199).</summary>
internal sealed partial class ClientLog(ILogger logger)
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Connected to gateway {Gateway} ({Silo})")]
    public partial void Connected(string gateway, string silo);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Connection to gateway {Gateway} lost; {Pending} pending calls failed; reconnecting")]
    public partial void ConnectionLost(string gateway, int pending);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Connecting to gateway {Gateway} failed: {Reason}")]
    public partial void ConnectFailed(string gateway, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Gateway {Gateway} broke the protocol: {Reason}")]
    public partial void ProtocolViolation(string gateway, string reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Client closed")]
    public partial void Closed();
}
