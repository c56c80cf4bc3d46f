using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.Directory;

/// <summary>Where an activation lives: grain, activation id and silo.</summary>
internal sealed record GrainAddress(GrainId GrainId, long ActivationId, SiloAddress Silo);
