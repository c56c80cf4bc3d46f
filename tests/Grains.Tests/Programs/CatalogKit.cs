using Marketplace.GrainInterfaces;
using Marketplace.Grains.Programs;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>Deploys under chosen names and versions, walks catalog pages, and gives the catalog's order.</summary>
internal static class CatalogKit
{
    /// <summary>Deploys the echo test module as <paramref name="name"/>@<paramref name="version"/> (a fresh salt, so
    /// a fresh program id) signed with <paramref name="key"/> (default: the fixture's deployer).</summary>
    public static Task<ProgramInfo> DeployAsync(IGrainFactory grains, string name, string version, byte[]? key = null)
    {
        var manifest = new ProgramManifest { Name = name, Version = version, Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
        var deployment = ProgramDeployments.Create(ProgramsSiloFixture.Module("echo_multi"), manifest, key ?? ProgramsSiloFixture.DeployerKey);
        return grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, manifest.Salt)).DeployAsync(deployment, BlobCaller.Silo);
    }

    /// <summary>Every page of the catalog at <paramref name="limit"/> entries a page, from <paramref name="cursor"/>.</summary>
    public static async Task<List<Page<ProgramInfo>>> PagesAsync(IGrainFactory grains, int limit, string? cursor = null)
    {
        var pages = new List<Page<ProgramInfo>>();
        do
        {
            var page = await Listings.ProgramsAsync(grains, cursor, limit);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return pages;
    }

    /// <summary>The catalog's order: normalized name, then name (ordinal), then semantic version.</summary>
    public static List<ProgramInfo> InCatalogOrder(IEnumerable<ProgramInfo> programs) =>
        [.. programs
            .OrderBy(p => ProgramNames.Normalize(p.Manifest.Name), StringComparer.Ordinal)
            .ThenBy(p => p.Manifest.Name, StringComparer.Ordinal)
            .ThenBy(p => SemanticVersion.TryParse(p.Manifest.Version))];

    /// <summary>A key from a seed byte (any byte but 0 gives a valid secp256k1 scalar).</summary>
    public static byte[] Key(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    /// <summary>The EIP-55 address of <paramref name="key"/>.</summary>
    public static string AddressOf(byte[] key) =>
        Marketplace.Crypto.Ethereum.Address.FromPublicKey(Marketplace.Crypto.Ethereum.Secp256k1PrivateKey.FromBytes(key).PublicKey).ToChecksumString();
}
