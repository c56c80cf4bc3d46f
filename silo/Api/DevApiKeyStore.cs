using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Silo.Api;

/// <summary>
/// The development API key of a silo on embedded defaults: generated at first start, stored in the data folder as
/// <c>dev-api-key</c> (file mode 0600 on Unix), announced once with how to use it, reused on later starts. Silos of one
/// cluster share one key by pointing <c>Marketplace:Api:DevKeyFile</c> at a file on storage they all mount: the first
/// silo to start creates it (an exclusive create, so exactly one of silos starting at the same moment writes a key), and
/// the others read it, waiting for the writer's whole key rather than a half-written one.
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
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream stream;
        try
        {
            // CreateNew is an exclusive create: of silos starting at the same moment exactly one gets the file.
            stream = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            return ReadExisting(path, notices);
        }

        using (stream)
        {
            stream.Write(Encoding.ASCII.GetBytes(key + "\n"));
            stream.Flush(flushToDisk: true);
        }

        Announce(key, path, baseUrl, notices);
        return key;
    }

    /// <summary>
    /// Reads a stored key. A key being written by a silo that won the create at the same moment is complete once it
    /// ends with a line break (every generated key does); a file without one is taken as it is once it has not
    /// changed for <see cref="SettleTime"/>, so a key written by hand needs no line break.
    /// </summary>
    private static string ReadExisting(string path, TextWriter notices)
    {
        var waited = TimeSpan.Zero;
        var content = File.ReadAllText(path);
        while (!content.EndsWith('\n')
            && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < SettleTime
            && waited < SettleTime + SettleTime)
        {
            Thread.Sleep(PollInterval);
            waited += PollInterval;
            content = File.ReadAllText(path);
        }

        var existing = content.Trim();
        if (existing.Length < 16)
        {
            throw new InvalidOperationException($"The development API key file {path} is damaged (delete it to generate a new key).");
        }

        notices.WriteLine($"Marketplace API: using the development API key stored in {path} (client id '{ApiKeyRegistry.DevClientId}').");
        return existing;
    }

    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

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
