using System.Security.Cryptography;

namespace Marketplace.Silo.Api;

/// <summary>
/// The development API key of a silo on embedded defaults: generated at first start, stored in the data folder as
/// <c>dev-api-key</c> (file mode 0600 on Unix), announced once with how to use it, reused on later starts.
/// </summary>
internal static class DevApiKeyStore
{
    /// <summary>File name of the key inside the data folder.</summary>
    public const string FileName = "dev-api-key";

    /// <summary>Returns the stored key, or creates, stores and announces a new one.</summary>
    public static string LoadOrCreate(string dataFolder, string baseUrl, TextWriter notices)
    {
        var path = Path.Combine(dataFolder, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length < 16)
            {
                throw new InvalidOperationException($"The development API key file {path} is damaged (delete it to generate a new key).");
            }

            notices.WriteLine($"Marketplace API: using the development API key stored in {path} (client id '{ApiKeyRegistry.DevClientId}').");
            return existing;
        }

        var key = "mk_dev_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.WriteLine(key);
        }

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
        return key;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
