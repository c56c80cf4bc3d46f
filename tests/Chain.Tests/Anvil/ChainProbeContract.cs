using Marketplace.Chain.Contracts;

namespace Marketplace.Chain.Tests.Anvil;

/// <summary>The embedded ChainProbe artifact (see Contracts/README.md).</summary>
internal static class ChainProbeContract
{
    public static ContractArtifact Load()
    {
        using var stream = typeof(ChainProbeContract).Assembly.GetManifestResourceStream("ChainProbe.json")
            ?? throw new InvalidOperationException("The ChainProbe.json resource is missing.");
        using var reader = new StreamReader(stream);
        return ContractArtifact.Parse(reader.ReadToEnd());
    }
}
