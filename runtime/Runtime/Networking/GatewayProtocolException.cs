namespace Marketplace.Runtime.Networking;

/// <summary>
/// A peer broke the gateway protocol: bad preamble, wrong protocol version or cluster id, malformed or oversized frame.
/// The connection is closed; other connections are unaffected.
/// </summary>
internal sealed class GatewayProtocolException(string message) : GrainRuntimeException(message);
