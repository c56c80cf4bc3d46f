// Design: a deployer key is a secp256k1 private key (the deploy signature recovers to its Ethereum address). The
// file is small JSON so people can see which address it is for; it is created with mode 0600 and never
// overwritten unless asked, and reading it checks the recorded address against the key so a damaged file fails
// loudly instead of signing as someone else.
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Cli.Signing;

/// <summary>Reads and writes deployer key files.</summary>
internal static class DeployerKeyFile
{
    public const string Kind = "marketplace-deployer-key";

    /// <summary>Creates a key file with a fresh key; returns the key. Refuses an existing file unless
    /// <paramref name="overwrite"/>.</summary>
    public static Secp256k1PrivateKey Create(string path, bool overwrite)
    {
        if (File.Exists(path) && !overwrite)
        {
            throw new CliException("exists", ExitCodes.Usage, $"'{path}' already exists; pass --force to replace it.");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var key = Secp256k1PrivateKey.Generate();
        var content = new KeyFileContent
        {
            Kind = Kind,
            Curve = "secp256k1",
            PrivateKey = Convert.ToHexStringLower(key.ToBytes()),
            Address = Address.FromPublicKey(key.PublicKey).ToChecksumString(),
        };
        if (overwrite)
        {
            File.Delete(path);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, content, KeyFileJson.Default.KeyFileContent);
        }

        return key;
    }

    /// <summary>Reads a key file. Throws <see cref="CliException"/> when it is missing or not a deployer key.</summary>
    public static Secp256k1PrivateKey Read(string path)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"--key: file '{path}' does not exist (create one with `marketplace keygen --out {path}`).");
        }

        KeyFileContent? content;
        try
        {
            content = JsonSerializer.Deserialize(File.ReadAllText(path), KeyFileJson.Default.KeyFileContent);
        }
        catch (JsonException e)
        {
            throw new CliException("invalid_key", ExitCodes.Usage, $"--key: '{path}' is not a deployer key file ({e.Message}).");
        }

        if (content is null || content.Kind != Kind || content.Curve != "secp256k1" || content.PrivateKey is null)
        {
            throw new CliException("invalid_key", ExitCodes.Usage, $"--key: '{path}' is not a deployer key file.");
        }

        Secp256k1PrivateKey key;
        try
        {
            key = Secp256k1PrivateKey.FromBytes(Convert.FromHexString(content.PrivateKey));
        }
        catch (FormatException)
        {
            throw new CliException("invalid_key", ExitCodes.Usage, $"--key: '{path}' holds a private key that is not hex.");
        }
        catch (CryptoFormatException e)
        {
            throw new CliException("invalid_key", ExitCodes.Usage, $"--key: '{path}': {e.Message}");
        }

        var address = Address.FromPublicKey(key.PublicKey).ToChecksumString();
        if (content.Address is not null && !string.Equals(content.Address, address, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException("invalid_key", ExitCodes.Usage, $"--key: '{path}' records address {content.Address} but its key belongs to {address}.");
        }

        return key;
    }

    /// <summary>The EIP-55 address of a key.</summary>
    public static string AddressOf(Secp256k1PrivateKey key) => Address.FromPublicKey(key.PublicKey).ToChecksumString();
}

/// <summary>The key file's JSON.</summary>
internal sealed class KeyFileContent
{
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("curve")]
    public string? Curve { get; set; }

    [JsonPropertyName("address")]
    public string? Address { get; set; }

    [JsonPropertyName("private_key")]
    public string? PrivateKey { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(KeyFileContent))]
internal sealed partial class KeyFileJson : JsonSerializerContext;
