using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Telemetry;

namespace Marketplace.Grains.Workers;

/// <summary>
/// Each hosted worker's BLS secret key, one 32-byte file per worker (<c>{folder}/{id}.bls</c>, owner-only on Unix),
/// created on first start so the worker keeps its key across restarts. The worker registers the key's public half
/// with a proof of possession and signs its receipts with it.
/// </summary>
internal static class WorkerKeyStore
{
    /// <summary>The secret key of <paramref name="workerId"/>, created on first use. The caller owns (disposes) it.</summary>
    public static SecretKey LoadOrCreate(string folder, string workerId) =>
        BlsKeyFile.LoadOrCreate(
            Path.Combine(folder, workerId + ".bls"),
            "Restore it or delete it to give the worker a new key (the worker must then be re-registered under a new id).");

    /// <summary>The registration of the worker holding <paramref name="key"/>: its public key and proof of possession.</summary>
    public static WorkerRegistration Registration(SecretKey key, WorkerCapabilities capabilities) => new()
    {
        Capabilities = capabilities,
        BlsPublicKey = Convert.ToHexStringLower(Bls.SkToPk(key).ToBytes()),
        ProofOfPossession = Convert.ToHexStringLower(Bls.PopProve(key).ToBytes()),
    };
}
