// Design: slashing by proof, without the operator: whoever holds two receipts one key signed for one job with
// different results needs only the evidence file, a node, a key with gas money and the Staking contract's address.
// The evidence is checked offline first, exactly as verify-evidence checks it, so nothing is sent for evidence that
// proves nothing. The chain's registry says which worker id the evidence's key is registered under; a key it does not
// hold is sent under the receipts' worker id, so the contract's refusal names what is wrong. The contract checks
// everything again; a refusal names its error.
using System.CommandLine;
using System.Numerics;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Contracts;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Cli.Output;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;

namespace Marketplace.Cli.Commands;

/// <summary><c>slash --evidence e.json --rpc URL --key-file F --contract ADDRESS</c>: takes a double-signing
/// worker's whole stake and bans its key on chain by the evidence (the <c>Staking</c> contract's
/// <c>slashDoubleSign</c>). Needs no silo.</summary>
internal static class SlashCommand
{
    public static Command Create(CliContext context)
    {
        var evidenceFile = new Option<string>("--evidence") { Description = "The double-sign evidence file (from `marketplace evidence --out`).", Required = true };
        var rpc = new Option<string>("--rpc") { Description = "The node's JSON-RPC URL, e.g. http://127.0.0.1:8545.", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "A key that pays the gas: a file holding 32 bytes in hex. Anyone may slash by proof; the stake goes to the treasury.", Required = true };
        var contract = new Option<string>("--contract") { Description = "The Staking contract's address.", Required = true };
        var command = new Command("slash", "Slash a worker that signed two results of one job on chain by the evidence, without the operator: its whole stake, its key banned.") { evidenceFile, rpc, keyFile, contract };
        context.SetAction(command, async run =>
        {
            var url = ChainCommand.ParseUrl(run.Get(rpc)!);
            Address staking;
            try
            {
                staking = Address.Parse(run.Get(contract));
            }
            catch (Crypto.CryptoFormatException e)
            {
                throw CliException.Usage($"--contract: '{run.Get(contract)}' is not an address ({e.Message}).");
            }

            var (evidence, evidenceHash) = await VerifyEvidenceCommand.ReadCheckedAsync(run.Get(evidenceFile), run.CancellationToken, "--evidence").ConfigureAwait(false);
            if (DoubleSignSlashCall.WhyNotProvable(evidence) is { } problem)
            {
                throw VerifyEvidenceCommand.Invalid("signed_in_batch", problem + " (hand it to the marketplace with submit-evidence)");
            }

            var key = SettlementKeyLoader.TryLoad(new ChainSettlementOptions { PrivateKeyFile = Path.GetFullPath(run.Get(keyFile)!) }, out var keyProblem)
                ?? throw new CliException("invalid_key", ExitCodes.Usage, $"--key-file: {keyProblem}.");
            using var http = new HttpClient();
            var client = new EvmRpcClient(http, new EvmRpcClientOptions { Endpoint = url, RequestTimeout = TimeSpan.FromSeconds(30) });
            var sender = new TransactionSender(client, key, new NonceManager(client), new FeeEstimator(client));
            var contractClient = new ContractClient(client, SettlementContracts.Staking.Abi, staking);
            var signer = await SignerIdHashAsync(contractClient, evidence, run.CancellationToken).ConfigureAwait(false);
            var call = DoubleSignSlashCall.Encode(signer, evidence);
            TransactionReceipt mined;
            try
            {
                mined = await sender.SendAndWaitAsync(new TransactionRequest { To = staking, Data = call }, run.CancellationToken).ConfigureAwait(false);
            }
            catch (ContractRevertException e) when (e.Reason.Kind == RevertKind.Unknown)
            {
                throw new ContractRevertException(contractClient.Abi.DecodeRevert(e.Reason.Data), e.TransactionHash, e);
            }

            var slashed = contractClient.DecodeEvents(mined, "Slashed");
            var worker = slashed.Count == 1 ? slashed[0]["worker"] as Address? : null;
            var fromActive = slashed.Count == 1 ? (BigInteger)slashed[0]["fromActive"]! : BigInteger.Zero;
            var fromPending = slashed.Count == 1 ? (BigInteger)slashed[0]["fromPending"]! : BigInteger.Zero;
            var banned = contractClient.DecodeEvents(mined, "KeyBanned").Count == 1;
            var hash = Convert.ToHexStringLower(evidenceHash);
            var signerHex = "0x" + Convert.ToHexStringLower(signer);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new
                {
                    job_id = evidence.First.Receipt.JobId,
                    evidence_hash = hash,
                    transaction = mined.TransactionHash.ToString(),
                    worker = worker?.ToChecksumString(),
                    worker_id_hash = signerHex,
                    slashed = (fromActive + fromPending).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    from_active = fromActive.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    from_pending = fromPending.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    key_banned = banned,
                });
            }
            else
            {
                var ban = banned ? "its key is banned" : "its key was banned already";
                run.Environment.Output.WriteLine($"slashed worker {worker?.ToChecksumString()} (worker id hash {signerHex}) for two results of job {evidence.First.Receipt.JobId} in transaction {mined.TransactionHash}: {fromActive + fromPending} of its stake to the treasury ({fromActive} active, {fromPending} pending); {ban}; evidence {hash}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The chain id of the worker id the registry holds the evidence's key under; for a key it does not
    /// hold, the receipts' worker id (the executor signs its own receipt), so the contract names the refusal.</summary>
    private static async Task<byte[]> SignerIdHashAsync(ContractClient staking, DoubleSignEvidence evidence, CancellationToken cancellationToken)
    {
        var owner = (byte[])(await staking.CallAsync("keyOwner", [DoubleSignSlashCall.KeyHash(evidence.PublicKey)], cancellationToken: cancellationToken).ConfigureAwait(false))[0]!;
        return owner.AsSpan().ContainsAnyExcept((byte)0) ? owner : ReceiptReleaseCall.ChainId(evidence.First.Receipt.WorkerId);
    }
}
