using System.Security.Cryptography;
using Marketplace.Crypto;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Workers;

/// <summary>
/// Each hosted worker's BLS secret key, one 32-byte file per worker (<c>{folder}/{id}.bls</c>, owner-only on Unix),
/// created on first start so the worker keeps its key across restarts. The worker registers the key's public half
/// with a proof of possession and signs its receipts with it.
/// </summary>
internal static class WorkerKeyStore
{
    /// <summary>The secret key of <paramref name="workerId"/>, created on first use. The caller owns (disposes) it.</summary>
    public static SecretKey LoadOrCreate(string folder, string workerId)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, workerId + ".bls");
        return File.Exists(path) ? Load(path) : Create(path);
    }

    /// <summary>The registration of the worker holding <paramref name="key"/>: its public key and proof of possession.</summary>
    public static WorkerRegistration Registration(SecretKey key, WorkerCapabilities capabilities) => new()
    {
        Capabilities = capabilities,
        BlsPublicKey = Convert.ToHexStringLower(Bls.SkToPk(key).ToBytes()),
        ProofOfPossession = Convert.ToHexStringLower(Bls.PopProve(key).ToBytes()),
    };

    private static SecretKey Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return SecretKey.FromBytes(bytes);
        }
        catch (CryptoFormatException e)
        {
            throw new InvalidOperationException($"The worker key file {path} is damaged: {e.Message}. Restore it or delete it to give the worker a new key (the worker must then be re-registered under a new id).", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static SecretKey Create(string path)
    {
        var ikm = RandomNumberGenerator.GetBytes(32);
        var key = Bls.KeyGen(ikm);
        CryptographicOperations.ZeroMemory(ikm);
        var bytes = key.ToBytes();
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temp, options))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        CryptographicOperations.ZeroMemory(bytes);
        File.Move(temp, path, overwrite: false);
        return key;
    }
}
