using System.Security.Cryptography;

namespace Marketplace.Silo.Api;

/// <summary>
/// The development API key of a silo on embedded defaults: generated at first start, stored in the data folder as
/// <c>dev-api-key</c> (file mode 0600 on Unix), announced once with how to use it, reused on later starts. Silos of one
/// cluster share one key by pointing <c>Marketplace:Api:DevKeyFile</c> at a file on storage they all mount: the first
/// silo to start creates it (written aside, then linked into place, so a silo starting at the same moment reads the
/// winner's whole key and never a half-written one), and the others read it.
/// </summary>
internal static class DevApiKeyStore
{
    /// <summary>File name of the key inside the data folder.</summary>
    public const string FileName = "dev-api-key";

    /// <summary>Returns the key stored at <paramref name="path"/>, or creates, stores and announces a new one.</summary>
    public static string LoadOrCreate(string path, string baseUrl, TextWriter notices)
    {
        if (File.Exists(path))
        {
            return ReadExisting(path, notices);
        }

        var key = "mk_dev_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var aside = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(aside, options))
        {
            writer.WriteLine(key);
            writer.Flush();
            ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
        }

        try
        {
            // Without overwrite, a move on Unix links the new name and fails when it exists: one silo wins.
            File.Move(aside, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(aside);
            return ReadExisting(path, notices);
        }

        Announce(key, path, baseUrl, notices);
        return key;
    }

    private static string ReadExisting(string path, TextWriter notices)
    {
        var existing = File.ReadAllText(path).Trim();
        if (existing.Length < 16)
        {
            throw new InvalidOperationException($"The development API key file {path} is damaged (delete it to generate a new key).");
        }

        notices.WriteLine($"Marketplace API: using the development API key stored in {path} (client id '{ApiKeyRegistry.DevClientId}').");
        return existing;
    }

    private static void Announce(string key, string path, string baseUrl, TextWriter notices)
    {
        var url = baseUrl.TrimEnd('/');
        notices.WriteLine();
        notices.WriteLine("================================================================================");
        notices.WriteLine(" Marketplace API: no keys are configured (Marketplace:Api:Keys), so a development");
        notices.WriteLine(" API key was generated. It is shown only this once; it is stored in");
        notices.WriteLine($"   {path}");
        notices.WriteLine(" and reused on later starts.");
        notices.WriteLine();
        notices.WriteLine($"   key:        {key}");
        notices.WriteLine($"   client id:  {ApiKeyRegistry.DevClientId}");
        notices.WriteLine($"   try:        curl -H \"Authorization: Bearer {key}\" {url}/v1/jobs");
        notices.WriteLine();
        notices.WriteLine(" Configure Marketplace:Api:Keys (key -> client id) for real clients.");
        notices.WriteLine("================================================================================");
        notices.WriteLine();
        notices.Flush();
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
