using System.Text.Json;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Cli.Commands;

/// <summary>The contract addresses an existing chain settings file names, and which of them the chain has no code
/// at (a reset development chain has none).</summary>
internal sealed class DeployedSettings
{
    private DeployedSettings(long chainId, string token, string escrow, string staking, string receiptRelease, List<string> missing)
    {
        ChainId = chainId;
        Token = token;
        Escrow = escrow;
        Staking = staking;
        ReceiptRelease = receiptRelease;
        Missing = missing;
    }

    /// <summary>The chain id the file names.</summary>
    public long ChainId { get; }

    /// <summary>The token's address as the file spells it.</summary>
    public string Token { get; }

    /// <summary>The Escrow contract's address.</summary>
    public string Escrow { get; }

    /// <summary>The Staking contract's address.</summary>
    public string Staking { get; }

    /// <summary>The ReceiptRelease contract's address; empty when the file names none (a deployment made before the
    /// contract existed, kept without it).</summary>
    public string ReceiptRelease { get; }

    /// <summary>"token 0x…" for each address with no code on the chain; empty when the chain has them all.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Reads <paramref name="path"/> (written by <c>chain deploy</c>) and asks the node for the code at each
    /// address. A file that is not such settings, or names another chain, is a usage error naming the file.</summary>
    public static async Task<DeployedSettings> CheckAsync(EvmRpcClient client, string path, long reportedChainId, CancellationToken cancellationToken)
    {
        JsonElement chain;
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
            chain = document.RootElement.GetProperty("Marketplace").GetProperty("Settlement").GetProperty("Chain").Clone();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliException("invalid_settings", ExitCodes.Usage,
                $"'{path}' is not a chain settings file written by 'chain deploy' ({e.Message}); move it away or pass --force to replace it.");
        }

        var chainId = chain.TryGetProperty("ChainId", out var id) && id.TryGetInt64(out var value) ? value : -1;
        if (chainId != reportedChainId)
        {
            throw new CliException("chain_id_mismatch", ExitCodes.Rejected,
                $"'{path}' is for chain {chainId}, but the node reports chain {reportedChainId}; pass --force to deploy on this chain and replace the file.");
        }

        var missing = new List<string>();
        var addresses = new string[4];
        var names = new[] { "TokenAddress", "EscrowAddress", "StakingAddress", "ReceiptReleaseAddress" };
        for (var i = 0; i < names.Length; i++)
        {
            addresses[i] = chain.TryGetProperty(names[i], out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
            if (i == 3 && addresses[i].Length == 0)
            {
                break;
            }

            if (!IsAddress(addresses[i]))
            {
                throw new CliException("invalid_settings", ExitCodes.Usage,
                    $"'{path}' has no valid {names[i]}; move it away or pass --force to replace it.");
            }

            var code = await client.RequestAsync("eth_getCode", $"[\"{addresses[i]}\",\"latest\"]", cancellationToken).ConfigureAwait(false);
            if (code.ValueKind != JsonValueKind.String || code.GetString() is null or "0x" or "0x0")
            {
                missing.Add($"{ContractName(names[i])} {addresses[i]}");
            }
        }

        return new DeployedSettings(chainId, addresses[0], addresses[1], addresses[2], addresses[3], missing);
    }

    private static string ContractName(string setting) => setting == "ReceiptReleaseAddress" ? "receipt release" : setting[..^7].ToLowerInvariant();

    private static bool IsAddress(string text)
    {
        try
        {
            Address.Parse(text);
            return true;
        }
        catch (CryptoFormatException)
        {
            return false;
        }
    }
}
