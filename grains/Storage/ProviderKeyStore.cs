using Marketplace.Crypto.Bls;
using Marketplace.Grains.Telemetry;

namespace Marketplace.Grains.Storage;

/// <summary>
/// Each hosted provider's BLS secret key: 32 bytes in <c>{provider directory}/provider.bls</c> (owner-only on Unix),
/// created on first start so the provider keeps its key across restarts, as workers keep theirs. The provider signs
/// its fragment commitments and audit answers with it.
/// </summary>
internal static class ProviderKeyStore
{
    /// <summary>The key file's name in the provider's directory.</summary>
    public const string FileName = "provider.bls";

    /// <summary>The secret key kept in <paramref name="directory"/>, created on first use. The caller disposes it.</summary>
    public static SecretKey LoadOrCreate(string directory) =>
        BlsKeyFile.LoadOrCreate(
            Path.Combine(directory, FileName),
            "Restore it, or delete it to give the storage provider a new key (its old commitments then cannot be answered with signatures that match).");
}
