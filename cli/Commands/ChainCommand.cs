// Design: `chain deploy` is what an operator runs once per development chain: it deploys the token, the Escrow and the
// Staking contract from the settlement key and writes the settings a silo needs into a JSON file the silo reads with
// `--config` (the key stays in its own file, referenced by path, never copied into the settings). It talks to the
// node only, never to a silo. `--new-key` creates the key file (hex, mode 0600) when missing, and `--fund-dev` gives
// the settlement account native currency through the development node's own `anvil_setBalance`, so a fresh anvil
// needs nothing else; on any other chain the account must already hold gas money.
using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Marketplace.Cli.Output;
using Marketplace.Crypto.Ethereum;
using Marketplace.Grains.Settlement;

namespace Marketplace.Cli.Commands;

/// <summary><c>chain deploy --rpc URL --key-file F [--new-key] [--fund-dev] [--out chain.json]</c>: deploys the
/// settlement contracts and writes the silo's chain settings. Needs no silo.</summary>
internal static class ChainCommand
{
    /// <summary>What <c>--fund-dev</c> gives the settlement account: 10,000 ether.</summary>
    private static readonly BigInteger DevFunding = BigInteger.Pow(10, 22);

    public static Command Create(CliContext context)
    {
        var chain = new Command("chain", "Settle on an EVM chain: deploy the contracts.");
        chain.Subcommands.Add(CreateDeploy(context));
        return chain;
    }

    private static Command CreateDeploy(CliContext context)
    {
        var rpc = new Option<string>("--rpc") { Description = "The node's JSON-RPC URL, e.g. http://127.0.0.1:8545.", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "The settlement key: a file holding 32 bytes in hex (the silo reads the same file).", Required = true };
        var newKey = new Option<bool>("--new-key") { Description = "Create the key file with a fresh key when it does not exist." };
        var fundDev = new Option<bool>("--fund-dev") { Description = "Give the settlement account 10,000 ether through anvil_setBalance (development chains only)." };
        var chainId = new Option<long?>("--chain-id") { Description = "The chain id the node must report (refuse to deploy elsewhere)." };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the silo's chain settings (JSON for the silo's --config).", DefaultValueFactory = _ => "chain.json" };
        var force = new Option<bool>("--force") { Description = "Replace an existing settings file." };
        var keepDeployed = new Option<bool>("--keep-deployed")
        {
            Description = "When the settings file exists and the chain still has code at its three addresses, keep it and deploy nothing (safe to run on every start); deploy anew only when the chain has none of them.",
        };
        var unstakeDelay = new Option<ulong>("--unstake-delay-seconds") { Description = "The Staking contract's unstake delay.", DefaultValueFactory = _ => 7 * 24 * 3600 };
        var minimumStake = new Option<string>("--minimum-stake") { Description = "The minimum stake to bid, in the token's smallest unit.", DefaultValueFactory = _ => "1000000000" };
        var command = new Command("deploy", "Deploy the token, Escrow and Staking contracts from the settlement key and write the silo's chain settings.")
        {
            rpc, keyFile, newKey, fundDev, chainId, output, force, keepDeployed, unstakeDelay, minimumStake,
        };
        context.SetAction(command, async run =>
        {
            var url = ParseUrl(run.Get(rpc)!);
            var outPath = Path.GetFullPath(run.Get(output)!);
            var keep = run.Get(keepDeployed);
            if (keep && run.Get(force))
            {
                throw CliException.Usage("--keep-deployed and --force contradict each other: pass one.");
            }

            if (File.Exists(outPath) && !run.Get(force) && !keep)
            {
                throw new CliException("exists", ExitCodes.Usage,
                    $"'{run.Get(output)}' already exists; pass --keep-deployed to keep it while the chain has its contracts, or --force to deploy anew and replace it.");
            }

            if (!BigInteger.TryParse(run.Get(minimumStake), NumberStyles.None, CultureInfo.InvariantCulture, out var stake))
            {
                throw CliException.Usage("--minimum-stake: give a whole number of the token's smallest unit.");
            }

            var keyPath = Path.GetFullPath(run.Get(keyFile)!);
            var key = ReadOrCreateKey(keyPath, run.Get(newKey));
            using var http = new HttpClient();
            var client = new EvmRpcClient(http, new EvmRpcClientOptions { Endpoint = url, RequestTimeout = TimeSpan.FromSeconds(30) });
            var reported = (long)await client.GetChainIdAsync(run.CancellationToken);
            if (run.Get(chainId) is { } expected && expected != reported)
            {
                throw new CliException("chain_id_mismatch", ExitCodes.Rejected, $"the node at {url} reports chain id {reported}, not {expected}; nothing was deployed.");
            }

            if (keep && File.Exists(outPath))
            {
                var kept = await DeployedSettings.CheckAsync(client, outPath, reported, run.CancellationToken);
                if (kept.Missing.Count == 0)
                {
                    WriteKept(run, outPath, kept);
                    return ExitCodes.Ok;
                }

                run.Environment.Error.WriteLine(
                    $"{outPath} names contracts the chain at {url} does not have ({string.Join(", ", kept.Missing)}): the chain was reset, so no balance or stake is held there; deploying anew.");
            }

            var settlement = Address.FromPublicKey(key.PublicKey);
            if (run.Get(fundDev))
            {
                await client.RequestAsync("anvil_setBalance", $"[\"{settlement}\",\"{Hex.EncodeQuantity(DevFunding)}\"]", run.CancellationToken);
            }

            var deployment = await ChainDeployment.DeployAsync(client, key, new ChainDeploymentRequest
            {
                UnstakeDelaySeconds = run.Get(unstakeDelay),
                MinimumStake = stake,
            }, run.CancellationToken);
            WriteSettings(outPath, url, keyPath, deployment);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new
                {
                    chain_id = deployment.ChainId,
                    settlement = deployment.Settlement.ToChecksumString(),
                    token = deployment.Token.ToChecksumString(),
                    escrow = deployment.Escrow.ToChecksumString(),
                    staking = deployment.Staking.ToChecksumString(),
                    receipt_release = deployment.ReceiptRelease.ToChecksumString(),
                    settings = outPath,
                });
            }
            else
            {
                var text = run.Environment.Output;
                text.WriteLine($"deployed on chain {deployment.ChainId} from {deployment.Settlement.ToChecksumString()}");
                text.WriteLine($"  token    {deployment.Token.ToChecksumString()}");
                text.WriteLine($"  escrow   {deployment.Escrow.ToChecksumString()}");
                text.WriteLine($"  staking  {deployment.Staking.ToChecksumString()}");
                text.WriteLine($"  receipt release  {deployment.ReceiptRelease.ToChecksumString()} (marketplace claim --contract)");
                text.WriteLine($"wrote the silo's chain settings to {outPath}; start the silo with --config {outPath} --chain {run.Get(rpc)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteKept(VerbRun run, string outPath, DeployedSettings kept)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new
            {
                chain_id = kept.ChainId,
                token = kept.Token,
                escrow = kept.Escrow,
                staking = kept.Staking,
                receipt_release = kept.ReceiptRelease.Length == 0 ? null : kept.ReceiptRelease,
                settings = outPath,
                kept = true,
            });
            return;
        }

        var text = run.Environment.Output;
        text.WriteLine($"kept the deployment in {outPath}: chain {kept.ChainId} has code at every address");
        text.WriteLine($"  token    {kept.Token}");
        text.WriteLine($"  escrow   {kept.Escrow}");
        text.WriteLine($"  staking  {kept.Staking}");
        text.WriteLine(kept.ReceiptRelease.Length == 0
            ? "  receipt release  none: this deployment predates release on proof; deploy with --force to add it (a new deployment holds no balance or stake)"
            : $"  receipt release  {kept.ReceiptRelease} (marketplace claim --contract)");
    }

    internal static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"--rpc: '{text}' is not an http:// or https:// address.");
        }

        return url;
    }

    private static Secp256k1PrivateKey ReadOrCreateKey(string path, bool create)
    {
        if (!File.Exists(path))
        {
            if (!create)
            {
                throw CliException.Usage($"--key-file: '{path}' does not exist; pass --new-key to create it.");
            }

            var fresh = Secp256k1PrivateKey.Generate();
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(Convert.ToHexStringLower(fresh.ToBytes()));
            }

            return fresh;
        }

        return SettlementKeyLoader.TryLoad(new ChainSettlementOptions { PrivateKeyFile = path }, out var problem)
            ?? throw new CliException("invalid_key", ExitCodes.Usage, $"--key-file: {problem}.");
    }

    private static void WriteSettings(string path, Uri url, string keyPath, ChainDeploymentResult deployment)
    {
        var chain = new JsonObject
        {
            ["Enabled"] = true,
            ["RpcUrl"] = url.ToString().TrimEnd('/'),
            ["ChainId"] = deployment.ChainId,
            ["PrivateKeyFile"] = keyPath,
            ["TokenAddress"] = deployment.Token.ToChecksumString(),
            ["EscrowAddress"] = deployment.Escrow.ToChecksumString(),
            ["StakingAddress"] = deployment.Staking.ToChecksumString(),
            ["ReceiptReleaseAddress"] = deployment.ReceiptRelease.ToChecksumString(),
        };
        var root = new JsonObject { ["Marketplace"] = new JsonObject { ["Settlement"] = new JsonObject { ["Chain"] = chain } } };
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
