// Design: a backup's keys are the one part that no name or recorded digest checks otherwise (a chunk is named by its
// hash, a committed fragment has its digest beside it), and a damaged worker or provider key only shows when its silo
// starts and refuses it. So the backup lists each key file with its SHA-256 (keys.sha256, sha256sum's format, which an
// operator can also check by hand), and a restore checks every listed file, refuses a key file the list does not
// name, and checks each BLS key decodes as a secret key and the development key has its shape.
using System.Security.Cryptography;
using System.Text;
using Marketplace.Crypto;
using Marketplace.Crypto.Bls;
using Marketplace.Grains.Storage;
using Marketplace.Silo.Api;

namespace Marketplace.Silo.Hosting;

/// <summary>The key files of a backup folder: the workers' keys, each storage provider's key and the development
/// key; listed with their SHA-256 when the backup is taken and checked before it is restored.</summary>
internal static class DataFolderKeys
{
    /// <summary>Writes <see cref="DataFolderBackups.KeyListFileName"/> into the backup folder <paramref name="backup"/>:
    /// each key file it holds with its SHA-256.</summary>
    public static void WriteList(string backup)
    {
        var list = new StringBuilder();
        foreach (var relative in KeyFiles(backup))
        {
            list.Append(Hash(Path.Combine(backup, relative))).Append("  ").Append(relative).Append('\n');
        }

        File.WriteAllText(Path.Combine(backup, DataFolderBackups.KeyListFileName), list.ToString());
    }

    /// <summary>Checks the key files of the backup at <paramref name="backup"/>: each listed one against its recorded
    /// SHA-256, none unlisted, each BLS key a valid secret key and the development key of its shape. A backup taken
    /// before keys were listed has its keys' contents checked only.</summary>
    /// <returns>How many key files were checked, and how many of them against a recorded SHA-256.</returns>
    /// <exception cref="DataFolderRestoreException">A key file is missing, unlisted, damaged or not a key.</exception>
    public static (int Checked, int Hashed) Check(string backup)
    {
        var present = KeyFiles(backup);
        var listPath = Path.Combine(backup, DataFolderBackups.KeyListFileName);
        var hashed = 0;
        if (File.Exists(listPath))
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var number = 0;
            foreach (var line in File.ReadLines(listPath))
            {
                number++;
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.Length < 67 || line[64] != ' ' || line[65] != ' ' || !DataFolderRestore.IsLowerHex(line.AsSpan(0, 64)))
                {
                    throw new DataFolderRestoreException($"{listPath} line {number} is not '<sha256>  <file>': the backup's key list is damaged");
                }

                var relative = line[66..];
                var file = Path.GetFullPath(Path.Combine(backup, relative));
                if (!file.StartsWith(Path.GetFullPath(backup) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new DataFolderRestoreException($"{listPath} line {number} names {relative}, outside the backup");
                }

                if (!File.Exists(file))
                {
                    throw new DataFolderRestoreException($"the key file {file} that the backup lists is missing: the backup is damaged");
                }

                var actual = Hash(file);
                if (!string.Equals(actual, line[..64], StringComparison.Ordinal))
                {
                    throw new DataFolderRestoreException($"the key file {file} does not hold the bytes its recorded SHA-256 ({line[..64]}) says (its SHA-256 is {actual}): the backup is damaged");
                }

                listed.Add(relative);
                hashed++;
            }

            foreach (var relative in present)
            {
                if (!listed.Contains(relative))
                {
                    throw new DataFolderRestoreException($"the key file {Path.Combine(backup, relative)} is not in the backup's key list {listPath}: it was not taken with the backup");
                }
            }
        }

        foreach (var relative in present)
        {
            CheckContent(Path.Combine(backup, relative), relative);
        }

        return (present.Count, hashed);
    }

    /// <summary>The key files under <paramref name="backup"/>, relative to it with '/' between parts, in order.</summary>
    private static List<string> KeyFiles(string backup)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var workers = Path.Combine(backup, DataFolderBackups.WorkersFolder);
        if (Directory.Exists(workers))
        {
            foreach (var file in Directory.EnumerateFiles(workers, "*", SearchOption.AllDirectories))
            {
                files.Add(Relative(backup, file));
            }
        }

        var providers = Path.Combine(backup, DataFolderBackups.ProvidersFolder);
        if (Directory.Exists(providers))
        {
            foreach (var provider in Directory.EnumerateDirectories(providers))
            {
                var key = Path.Combine(provider, ProviderKeyStore.FileName);
                if (File.Exists(key))
                {
                    files.Add(Relative(backup, key));
                }
            }
        }

        if (File.Exists(Path.Combine(backup, DataFolderBackups.DevKeyFileName)))
        {
            files.Add(DataFolderBackups.DevKeyFileName);
        }

        return [.. files];
    }

    private static void CheckContent(string file, string relative)
    {
        if (relative == DataFolderBackups.DevKeyFileName)
        {
            if (File.ReadAllText(file).Trim().Length < DevApiKeyStore.MinKeyLength)
            {
                throw new DataFolderRestoreException($"the development key file {file} holds no key (fewer than {DevApiKeyStore.MinKeyLength} characters): the backup is damaged");
            }

            return;
        }

        if (!file.EndsWith(".bls", StringComparison.Ordinal))
        {
            return; // a file of the operator's own in the workers' folder: listed and hashed, not read
        }

        var bytes = File.ReadAllBytes(file);
        try
        {
            using var key = SecretKey.FromBytes(bytes);
        }
        catch (CryptoFormatException e)
        {
            throw new DataFolderRestoreException($"the key file {file} is not a BLS secret key ({e.Message}): the backup is damaged");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static string Relative(string backup, string file) =>
        Path.GetRelativePath(backup, file).Replace(Path.DirectorySeparatorChar, '/');

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
