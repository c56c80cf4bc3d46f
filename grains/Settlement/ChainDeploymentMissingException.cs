namespace Marketplace.Grains.Settlement;

/// <summary>The chain has no code at a contract address the silo's chain settings name; the silo does not start.</summary>
public sealed class ChainDeploymentMissingException(string message) : Exception(message);
