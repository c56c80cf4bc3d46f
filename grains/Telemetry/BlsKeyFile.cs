using System.Security.Cryptography;
using Marketplace.Crypto;
using Marketplace.Crypto.Bls;

namespace Marketplace.Grains.Telemetry;

/// <summary>
/// A BLS secret key kept in one 32-byte file (owner-only on Unix), created on first use and written to a temporary
/// file, flushed and renamed, so a crash leaves the whole key or none. Workers and storage providers keep their keys
/// this way across restarts.
/// </summary>
internal static class BlsKeyFile
{
    /// <summary>The key in <paramref name="path"/>, created when the file does not exist. The caller disposes it.</summary>
    /// <param name="path">The key file.</param>
    /// <param name="whenDamaged">What the operator should do about a damaged file (the error names the file first).</param>
    /// <exception cref="InvalidOperationException">The file exists but holds no valid key.</exception>
    public static SecretKey LoadOrCreate(string path, string whenDamaged)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return File.Exists(path) ? Load(path, whenDamaged) : Create(path);
    }

    private static SecretKey Load(string path, string whenDamaged)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return SecretKey.FromBytes(bytes);
        }
        catch (CryptoFormatException e)
        {
            throw new InvalidOperationException($"The key file {path} is damaged: {e.Message}. {whenDamaged}", e);
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
