using System.Security.Cryptography;
using Marketplace.Crypto;
using Marketplace.Crypto.Bls;

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
    public static SecretKey LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? Load(path) : Create(path);
    }

    private static SecretKey Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return SecretKey.FromBytes(bytes);
        }
        catch (CryptoFormatException e)
        {
            throw new InvalidOperationException($"The storage provider key file {path} is damaged: {e.Message}. Restore it, or delete it to give the provider a new key (its old commitments then cannot be answered with signatures that match).", e);
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
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        CryptographicOperations.ZeroMemory(bytes);
        File.Move(temporary, path, overwrite: false);
        return key;
    }
}
