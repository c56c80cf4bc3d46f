using System.Security.Cryptography;
using System.Text;
using Marketplace.Persistence.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Silo.Api;

/// <summary>
/// The development API key of a silo on embedded defaults: generated at first start, stored in the data folder as
/// <c>dev-api-key</c> (file mode 0600 on Unix), announced once with how to use it, reused on later starts. Silos of one
/// cluster share one key by pointing <c>Marketplace:Api:DevKeyFile</c> at a file on storage they all mount: the first
/// silo to start creates it (an exclusive create, so exactly one of silos starting at the same moment writes a key), and
/// the others read it, waiting for the writer's whole key rather than a half-written one. In the PostgreSql cluster mode
/// the key is created once per cluster in the cluster's database (<see cref="LoadForCluster"/>), so silos on separate
/// hosts share it without a shared file; each keeps a copy in its key file for the operator to read.
/// </summary>
internal static class DevApiKeyStore
{
    /// <summary>File name of the key inside the data folder.</summary>
    public const string FileName = "dev-api-key";

    /// <summary>Name of the development key's row in the cluster's secrets table.</summary>
    public const string ClusterSecretName = "dev-api-key";

    private static readonly TimeSpan DatabaseWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Returns the cluster's development key from its database, storing this silo's candidate when the cluster has
    /// none (the key already in <paramref name="path"/>, so a cluster that shared a key file keeps its key, or a new
    /// one); writes the cluster's key to <paramref name="path"/> when the file holds another or none. Waits up to 30 s
    /// for a database that does not answer yet, then refuses the start naming the connection setting.
    /// </summary>
    public static string LoadForCluster(string connectionString, string path, string baseUrl, TextWriter notices)
    {
        var existing = File.Exists(path) ? ReadExisting(path) : null;
        var candidate = existing ?? NewKey();
        (string Value, bool Created) stored;
        try
        {
            stored = PostgreSqlClusterSecrets.GetOrCreateWaiting(connectionString, ClusterSecretName, candidate, DatabaseWait,
                e => notices.WriteLine($"Marketplace API: the cluster's database did not answer ({e.Message}); retrying for the development API key."));
        }
        catch (NpgsqlException e)
        {
            throw new OptionsValidationException("Marketplace:Cluster:PostgreSqlConnectionString", typeof(ApiKeyRegistry),
                [$"Marketplace:Cluster:PostgreSqlConnectionString: the cluster's database did not answer for {DatabaseWait.TotalSeconds:0} s while reading the development API key ({e.Message})"]);
        }

        if (!string.Equals(existing, stored.Value, StringComparison.Ordinal))
        {
            WriteCopy(path, stored.Value);
        }

        if (stored.Created && existing is null)
        {
            Announce(stored.Value, path + " (a copy; the cluster's database holds the key for every silo)", baseUrl, notices);
        }
        else
        {
            notices.WriteLine($"Marketplace API: using the cluster's development API key from its database, a copy in {path} (client id '{ApiKeyRegistry.DevClientId}').");
        }

        return stored.Value;
    }

    /// <summary>Returns the key stored at <paramref name="path"/>, or creates, stores and announces a new one.</summary>
    public static string LoadOrCreate(string path, string baseUrl, TextWriter notices)
    {
        if (File.Exists(path))
        {
            return ReadAndAnnounce(path, notices);
        }

        var key = NewKey();
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
            return ReadAndAnnounce(path, notices);
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
    private static string ReadAndAnnounce(string path, TextWriter notices)
    {
        var existing = ReadExisting(path);
        notices.WriteLine($"Marketplace API: using the development API key stored in {path} (client id '{ApiKeyRegistry.DevClientId}').");
        return existing;
    }

    private static string ReadExisting(string path)
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
        if (existing.Length < MinKeyLength)
        {
            throw new InvalidOperationException($"The development API key file {path} is damaged (delete it to generate a new key).");
        }

        return existing;
    }

    /// <summary>The shortest key a stored key file may hold.</summary>
    internal const int MinKeyLength = 16;

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

    private static string NewKey() => "mk_dev_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    // The cluster's key, written over a missing or different copy (owner-only on Unix when created here).
    private static void WriteCopy(string path, string key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(key + "\n"));
        stream.Flush(flushToDisk: true);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
