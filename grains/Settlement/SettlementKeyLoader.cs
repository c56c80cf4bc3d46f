using Marketplace.Chain;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Grains.Settlement;

/// <summary>Reads the settlement key from <see cref="ChainSettlementOptions.PrivateKey"/> or
/// <see cref="ChainSettlementOptions.PrivateKeyFile"/>. Messages name where the key came from, never the key.</summary>
internal static class SettlementKeyLoader
{
    /// <summary>The key, or null with <paramref name="problem"/> saying why.</summary>
    public static Secp256k1PrivateKey? TryLoad(ChainSettlementOptions options, out string? problem)
    {
        string text;
        string source;
        if (!string.IsNullOrWhiteSpace(options.PrivateKey))
        {
            text = options.PrivateKey;
            source = $"{ChainSettlementOptions.Section}:{nameof(options.PrivateKey)}";
        }
        else if (!string.IsNullOrWhiteSpace(options.PrivateKeyFile))
        {
            source = $"the file {options.PrivateKeyFile} ({ChainSettlementOptions.Section}:{nameof(options.PrivateKeyFile)})";
            try
            {
                text = File.ReadAllText(options.PrivateKeyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"{source} cannot be read: {e.Message}";
                return null;
            }
        }
        else
        {
            problem = $"{ChainSettlementOptions.Section}:{nameof(options.PrivateKey)} or {nameof(options.PrivateKeyFile)} must give the settlement key (32 bytes in hex)";
            return null;
        }

        var hex = text.Trim();
        if (!hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = "0x" + hex;
        }

        try
        {
            var bytes = Hex.Decode(hex);
            try
            {
                var key = Secp256k1PrivateKey.FromBytes(bytes);
                problem = null;
                return key;
            }
            finally
            {
                Array.Clear(bytes);
            }
        }
        catch (Exception e) when (e is ChainFormatException or CryptoFormatException)
        {
            problem = $"{source} is not a secp256k1 private key of 32 bytes in hex";
            return null;
        }
    }

    /// <summary>The key; throws when it cannot be read (the options validator reports it at start first).</summary>
    public static Secp256k1PrivateKey Load(ChainSettlementOptions options) =>
        TryLoad(options, out var problem) ?? throw new InvalidOperationException(problem);
}
