using Marketplace.Runtime;

namespace Marketplace.Sdk;

/// <summary>
/// The client's connection to the gateway closed while the call was waiting for its response: the outcome is unknown
/// (the call may or may not have run). The client reconnects by itself; new calls may be made.
/// </summary>
public sealed class ConnectionToClusterLostException : GrainRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionToClusterLostException(string message)
        : base(message)
    {
    }
}
