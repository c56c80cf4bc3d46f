using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Signing;

/// <summary>
/// Signs deployments with the programs library's public signer (<see cref="ProgramDeployments"/>): the deploy digest
/// is Keccak-256 of the canonical encoding of manifest and module hash, signed r ‖ s ‖ v with the deployer key.
/// </summary>
internal static class DeploymentSigning
{
    public static ProgramDeployment Sign(byte[] wasm, ProgramManifest manifest, Secp256k1PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ProgramDeployments.Create(wasm, manifest, key.ToBytes());
    }
}
