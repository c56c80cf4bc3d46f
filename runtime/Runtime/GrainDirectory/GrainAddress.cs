using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.GrainDirectory;

/// <summary>Where an activation lives: grain, activation id and silo.</summary>
internal sealed record GrainAddress(GrainId GrainId, long ActivationId, SiloAddress Silo);
