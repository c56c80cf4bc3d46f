// Design: the files a backup carries beside the database (chunks, provider fragments) are written once, under a
// temporary name, and renamed into place; a later rewrite renames a new file over the name and a deletion unlinks it.
// None is ever changed in place, so a hard link is as good as a copy and costs no bytes: the linked inode keeps the
// content it had when the backup took it, whatever the live folder does afterwards. Where a link cannot be made (a
// backup on another file system, a file system without links) the file is copied instead. Temporary folders (writes
// under way) are never taken.
using System.Runtime.InteropServices;

namespace Marketplace.Silo.Hosting;

/// <summary>Mirrors a folder tree into a new one, by hard links where allowed and possible, else by copies.</summary>
internal static class FileTreeMirror
{
    /// <summary>The name of the folders that hold writes under way (the chunk store's and the fragment stores').</summary>
    public const string TemporaryFolderName = "tmp";

    /// <summary>Mirrors <paramref name="source"/> into <paramref name="destination"/> (created; files there are
    /// replaced), skipping <see cref="TemporaryFolderName"/> folders and files whose name starts with a dot.</summary>
    /// <param name="source">The folder to take (nothing is done when it does not exist).</param>
    /// <param name="destination">Where the mirror goes.</param>
    /// <param name="link">Whether the files may be hard-linked (they are never changed in place).</param>
    /// <returns>Files and bytes taken, and how many of the files were linked rather than copied.</returns>
    /// <exception cref="IOException">A file could not be read or written.</exception>
    public static (int Files, long Bytes, int Linked) Mirror(string source, string destination, bool link)
    {
        if (!Directory.Exists(source))
        {
            return (0, 0, 0);
        }

        var files = 0;
        long bytes = 0;
        var linked = 0;
        var pending = new Stack<(string From, string To)>();
        pending.Push((source, destination));
        while (pending.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder.To);
            foreach (var entry in new DirectoryInfo(folder.From).EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.') || (entry.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    continue;
                }

                var target = Path.Combine(folder.To, entry.Name);
                if (entry is DirectoryInfo directory)
                {
                    if (!string.Equals(directory.Name, TemporaryFolderName, StringComparison.Ordinal))
                    {
                        pending.Push((directory.FullName, target));
                    }

                    continue;
                }

                var file = (FileInfo)entry;
                if (File.Exists(target))
                {
                    File.Delete(target);
                }

                if (link && TryLink(file.FullName, target))
                {
                    linked++;
                }
                else
                {
                    File.Copy(file.FullName, target);
                }

                files++;
                bytes += file.Length;
            }
        }

        return (files, bytes, linked);
    }

    private static bool TryLink(string existing, string link)
    {
        if (OperatingSystem.IsWindows())
        {
            return CreateHardLinkW(link, existing, IntPtr.Zero);
        }

        return OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? Link(existing, link) == 0 : false;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in this project; these two calls marshal strings only.
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);

    [DllImport("kernel32.dll", EntryPoint = "CreateHardLinkW", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string link, string existing, IntPtr securityAttributes);
#pragma warning restore SYSLIB1054
}
