using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Signing;

/// <summary>
/// Signs deployments. The deploy digest (what the silo verifies) is defined by the programs library's public signer
/// in grain-interfaces/Programs; this is the one place the CLI calls it.
/// </summary>
internal static class DeploymentSigning
{
    public static ProgramDeployment Sign(byte[] wasm, ProgramManifest manifest, Secp256k1PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(key);
        throw new CliException("not_available", ExitCodes.Server,
            "this build has no deploy signer yet (it comes with the programs library), so it cannot sign deployments.");
    }
}
