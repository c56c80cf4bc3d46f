// Design: a backup folder (DataFolderBackups) is checked whole before anything changes: its database by
// SqliteBackupRestore, its chunks by hashing every file against its name (a chunk is named by the SHA-256 of its
// bytes), the providers' committed fragments against the SHA-256 recorded beside each, its parts by their shape. Only then is anything replaced: each live part (the chunk folder, a provider's
// folder, the workers' keys, the development key) moves under <data folder>/replaced/<part>-<time>, never deleted, and
// the backup's copy takes its place, by hard links for the write-once chunks and fragments where possible.
using System.Globalization;
using System.Security.Cryptography;
using Marketplace.Grains.Blobs;

namespace Marketplace.Silo.Hosting;

/// <summary>Checks a backup folder's files and puts them where a silo's configuration looks for them.</summary>
internal static class DataFolderRestore
{
    /// <summary>Checks every chunk file of the backup at <paramref name="backup"/> against its name.</summary>
    /// <returns>How many chunk files it holds.</returns>
    /// <exception cref="DataFolderRestoreException">A chunk file's bytes do not hash to its name, or a file in the
    /// chunk folder is not named as a chunk.</exception>
    public static int CheckChunks(string backup)
    {
        var folder = Path.Combine(backup, DataFolderBackups.ChunksFolder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var count = 0;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var references = Path.Combine(folder, FileChunkStore.ReferencesFolderName) + Path.DirectorySeparatorChar;
        var unswept = Path.Combine(folder, FileChunkStore.UnsweptFolderName) + Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (file.StartsWith(references, StringComparison.Ordinal) || file.StartsWith(unswept, StringComparison.Ordinal))
            {
                continue; // the blobs' references to their chunks (empty files named by blob id), and the sweep's marks
            }

            var name = Path.GetFileName(file);
            if (name.Length != 2 * SHA256.HashSizeInBytes || !IsLowerHex(name))
            {
                throw new DataFolderRestoreException($"{file} is not a chunk (a chunk file is named by the 64 hex digits of its SHA-256)");
            }

            using (var stream = File.OpenRead(file))
            {
                SHA256.HashData(stream, hash);
            }

            if (!string.Equals(Convert.ToHexStringLower(hash), name, StringComparison.Ordinal))
            {
                throw new DataFolderRestoreException($"the chunk file {file} does not hold the bytes its name says (its SHA-256 is {Convert.ToHexStringLower(hash)}): the backup is damaged");
            }

            count++;
        }

        return count;
    }

    /// <summary>Checks every fragment file of the backup's storage providers that has its SHA-256 recorded beside it
    /// (<c>{provider}/{deal}/{index}.frag</c> and <c>{index}.sha256</c>, as a committed fragment has) against it.</summary>
    /// <returns>How many fragment files were checked.</returns>
    /// <exception cref="DataFolderRestoreException">A fragment's bytes do not hash to its recorded SHA-256.</exception>
    public static int CheckFragments(string backup)
    {
        var folder = Path.Combine(backup, DataFolderBackups.ProvidersFolder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var count = 0;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        foreach (var file in Directory.EnumerateFiles(folder, "*.frag", SearchOption.AllDirectories))
        {
            var recorded = Path.ChangeExtension(file, ".sha256");
            if (!File.Exists(recorded))
            {
                continue; // a fragment stored whole in one call records no digest beside it; the deal's audits check it
            }

            var expected = File.ReadAllBytes(recorded);
            using (var stream = File.OpenRead(file))
            {
                SHA256.HashData(stream, hash);
            }

            if (!hash.SequenceEqual(expected))
            {
                throw new DataFolderRestoreException($"the fragment file {file} does not hold the bytes its recorded SHA-256 ({Convert.ToHexStringLower(expected)}) says: the backup is damaged");
            }

            count++;
        }

        return count;
    }

    /// <summary>Puts the backup's files in place for <paramref name="layout"/>; each live part it replaces moves under
    /// <paramref name="replacedFolder"/>.</summary>
    /// <returns>One line per part restored.</returns>
    /// <exception cref="IOException">A file could not be moved, linked or copied.</exception>
    public static List<string> PutInPlace(string backup, DataFolderLayout layout, string replacedFolder, DateTimeOffset now)
    {
        var stamp = now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var lines = new List<string>();
        void Part(string from, string to, string name, bool link)
        {
            if (!Directory.Exists(from))
            {
                return;
            }

            var kept = MoveAside(to, replacedFolder, name + "-" + stamp);
            var (files, bytes, linked) = FileTreeMirror.Mirror(from, to, link);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {files} files, {bytes} bytes ({linked} linked) restored into {to}")
                + (kept is null ? "" : $"; the folder it replaced is kept at {kept}"));
        }

        Part(Path.Combine(backup, DataFolderBackups.ChunksFolder), layout.Chunks, "chunks", link: true);
        var providers = Path.Combine(backup, DataFolderBackups.ProvidersFolder);
        if (Directory.Exists(providers))
        {
            foreach (var provider in Directory.EnumerateDirectories(providers))
            {
                var id = Path.GetFileName(provider);
                Part(provider, layout.Provider(id), "provider-" + id, link: true);
            }
        }

        Part(Path.Combine(backup, DataFolderBackups.WorkersFolder), layout.Workers, "workers", link: false);
        var devKey = Path.Combine(backup, DataFolderBackups.DevKeyFileName);
        if (File.Exists(devKey))
        {
            if (File.Exists(layout.DevKeyFile))
            {
                Directory.CreateDirectory(replacedFolder);
                File.Move(layout.DevKeyFile, Path.Combine(replacedFolder, DataFolderBackups.DevKeyFileName + "-" + stamp));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(layout.DevKeyFile)!);
            File.Copy(devKey, layout.DevKeyFile);
            lines.Add($"dev-api-key: restored as {layout.DevKeyFile}");
        }

        return lines;
    }

    /// <summary>Moves <paramref name="folder"/>, when it exists, to <paramref name="replacedFolder"/>/<paramref name="name"/>.</summary>
    private static string? MoveAside(string folder, string replacedFolder, string name)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        Directory.CreateDirectory(replacedFolder);
        var target = Path.Combine(replacedFolder, name);
        Directory.Move(folder, target);
        return target;
    }

    /// <summary>True when <paramref name="text"/> is lowercase hex digits only.</summary>
    internal static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A backup folder that may not be restored (damaged, or not a backup): nothing was changed.</summary>
internal sealed class DataFolderRestoreException(string message) : Exception(message);
