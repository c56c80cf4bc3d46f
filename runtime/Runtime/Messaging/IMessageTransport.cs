namespace Marketplace.Runtime.Messaging;

/// <summary>
/// Moves messages to other silos. The single-silo runtime uses <see cref="LocalOnlyMessageTransport"/>; the clustering
/// issue adds TCP between silos behind this interface.
/// </summary>
internal interface IMessageTransport
{
    /// <summary>Other silos that are active and can host grains (excluding the local one).</summary>
    IReadOnlyList<SiloAddress> RemoteSilos { get; }

    /// <summary>Sends <paramref name="message"/> to <paramref name="silo"/>; failures are reported to the message's sink.</summary>
    void Send(SiloAddress silo, Message message);
}

/// <summary>No remote silos: sending anywhere else fails with <see cref="SiloUnavailableException"/>.</summary>
internal sealed class LocalOnlyMessageTransport : IMessageTransport
{
    public IReadOnlyList<SiloAddress> RemoteSilos { get; } = [];

    public void Send(SiloAddress silo, Message message) =>
        throw new SiloUnavailableException($"Silo {silo} is not reachable: this silo has no transport to other silos.");
}
