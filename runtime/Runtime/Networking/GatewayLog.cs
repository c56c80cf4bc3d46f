using Microsoft.Extensions.Logging;

namespace Marketplace.Runtime.Networking;

/// <summary>The gateway's log events (event ids 2001–2099).</summary>
internal sealed partial class GatewayLog(ILogger logger)
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Gateway listening on {Endpoint} for cluster {ClusterId}")]
    public partial void Listening(string endpoint, string clusterId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Gateway on {Endpoint} stopped; {Count} connections closed")]
    public partial void Stopped(string endpoint, int count);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Client {Client} connected from {Remote}")]
    public partial void ClientConnected(string client, string remote);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Connection from {Remote} closed")]
    public partial void ConnectionClosed(string remote);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Gateway connection from {Remote} rejected: {Reason}")]
    public partial void HandshakeRejected(string remote, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Gateway connection from {Remote} closed: protocol violation: {Reason}")]
    public partial void ProtocolViolation(string remote, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Response to {Method} could not be serialized for {Remote}; sending the error instead")]
    public partial void ResponseNotSerializable(Exception exception, string method, string remote);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Gateway connection from {Remote} closed: the client does not read its responses (MaxPendingBytesPerConnection reached)")]
    public partial void ClientNotReading(string remote);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Gateway accept loop on {Endpoint} failed")]
    public partial void AcceptFailed(Exception exception, string endpoint);
}
