namespace Marketplace.Cli.Commands;

/// <summary>Checks and opens the local files verbs read and write.</summary>
internal static class LocalFiles
{
    /// <summary>The full path of an existing file, or a usage error naming the option.</summary>
    public static string Existing(string option, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw CliException.Usage($"{option}: a file path is required.");
        }

        if (Directory.Exists(path))
        {
            throw CliException.Usage($"{option}: '{path}' is a directory, not a file.");
        }

        if (!File.Exists(path))
        {
            throw CliException.Usage($"{option}: file '{path}' does not exist.");
        }

        return Path.GetFullPath(path);
    }

    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);

    /// <summary>True when <paramref name="path"/> means standard output (absent or <c>-</c>).</summary>
    public static bool IsStandardOutput(string? path) => string.IsNullOrEmpty(path) || path == "-";

    /// <summary>Writes a small file the CLI produced (a receipt, terms, a registry) to <paramref name="path"/>
    /// atomically, or to standard output when <paramref name="path"/> means it; false in that case.</summary>
    public static async Task<bool> WriteFileOrStandardOutputAsync(VerbRun run, string? path, byte[] bytes)
    {
        if (IsStandardOutput(path))
        {
            run.Environment.Output.WriteLine(System.Text.Encoding.UTF8.GetString(bytes));
            return false;
        }

        await WriteAtomicallyAsync(path!, async file =>
        {
            await file.WriteAsync(bytes, run.CancellationToken).ConfigureAwait(false);
            return bytes.Length;
        }).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Writes a file through <c>&lt;path&gt;.partial</c>, moved into place only when <paramref name="write"/>
    /// succeeds, so a failed or damaged download never leaves a file that looks complete.
    /// </summary>
    public static async Task<T> WriteAtomicallyAsync<T>(string path, Func<Stream, Task<T>> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw CliException.Usage($"--out: folder '{directory}' does not exist.");
        }

        var partial = full + ".partial";
        var moved = false;
        try
        {
            T result;
            var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                result = await write(stream).ConfigureAwait(false);
            }

            File.Move(partial, full, overwrite: true);
            moved = true;
            return result;
        }
        finally
        {
            if (!moved)
            {
                File.Delete(partial);
            }
        }
    }

    /// <summary>A media type from the file extension (application/octet-stream when unknown).</summary>
    public static string MediaTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".wasm" => "application/wasm",
        ".json" => "application/json",
        ".txt" or ".log" => "text/plain",
        ".csv" => "text/csv",
        ".html" or ".htm" => "text/html",
        ".wat" => "text/plain",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gz" => "application/gzip",
        ".zip" => "application/zip",
        _ => "application/octet-stream",
    };
}
