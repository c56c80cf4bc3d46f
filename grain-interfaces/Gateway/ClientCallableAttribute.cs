namespace Marketplace.GrainInterfaces;

/// <summary>
/// Marks a grain interface method that a gateway service bound to one client may call, and how the silo checks that
/// the call is for that client. Methods without it are for operator services only (and the silos themselves).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ClientCallableAttribute(ClientCallScope scope) : Attribute
{
    /// <summary>How the call names its client.</summary>
    public ClientCallScope Scope { get; } = scope;

    /// <summary>For <see cref="ClientCallScope.Argument"/>: which argument names the client (default the first).</summary>
    public int Index { get; init; }
}

/// <summary>How a <see cref="ClientCallableAttribute"/> method names the client it acts for.</summary>
public enum ClientCallScope
{
    /// <summary>Reads anything any client may read (programs, workers, reputation) or submits evidence: no client.</summary>
    Public,

    /// <summary>An argument (<see cref="ClientCallableAttribute.Index"/>) is the acting client: its id, a
    /// <see cref="BlobCaller"/> (not full access) or a <see cref="JobSubmission"/>; it must be the service's
    /// client.</summary>
    Argument,

    /// <summary>The grain's key is the client id (a client's own job list, deals, storage).</summary>
    GrainKey,
}
