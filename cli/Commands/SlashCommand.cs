// Design: slashing by proof, without the operator: whoever holds two receipts one key signed for one job with
// different results needs only the evidence file, a node, a key with gas money and the Staking contract's address.
// The evidence is checked offline first, exactly as verify-evidence checks it, so nothing is sent for evidence that
// proves nothing. The chain's registry says which worker id the evidence's key is registered under; a key it does not
// hold is sent under the receipts' worker id, so the contract's refusal names what is wrong. The contract checks
// everything again; a refusal names its error.
using System.CommandLine;
using System.Numerics;
using Marketplace.Chain.Contracts;
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
        var chain = new ContractCallOptions("A key that pays the gas: a file holding 32 bytes in hex. Anyone may slash by proof; the stake goes to the treasury.", "The Staking contract's address.");
        var command = new Command("slash", "Slash a worker that signed two results of one job on chain by the evidence, without the operator: its whole stake, its key banned.") { evidenceFile };
        chain.AddTo(command);
        context.SetAction(command, async run =>
        {
            var staking = chain.ContractAddress(run);

            var (evidence, evidenceHash) = await VerifyEvidenceCommand.ReadCheckedAsync(run.Get(evidenceFile), run.CancellationToken, "--evidence").ConfigureAwait(false);
            if (DoubleSignSlashCall.WhyNotProvable(evidence) is { } problem)
            {
                throw VerifyEvidenceCommand.Invalid("signed_in_batch", problem + " (hand it to the marketplace with submit-evidence)");
            }

            using var caller = chain.Open(run);
            var contractClient = new ContractClient(caller.Rpc, SettlementContracts.Staking.Abi, staking);
            var signer = await SignerIdHashAsync(contractClient, evidence, run.CancellationToken).ConfigureAwait(false);
            var mined = await caller.SendAsync(staking, DoubleSignSlashCall.Encode(signer, evidence), contractClient.Abi, run.CancellationToken).ConfigureAwait(false);

            var slashed = contractClient.DecodeEvents(mined, "Slashed");
            var worker = slashed.Count == 1 ? slashed[0]["worker"] as Address? : null;
            var fromActive = slashed.Count == 1 ? (BigInteger)slashed[0]["fromActive"]! : BigInteger.Zero;
            var fromPending = slashed.Count == 1 ? (BigInteger)slashed[0]["fromPending"]! : BigInteger.Zero;
            var banned = contractClient.DecodeEvents(mined, "KeyBanned").Count == 1;
            var hash = Convert.ToHexStringLower(evidenceHash);
            var signerHex = "0x" + Convert.ToHexStringLower(signer);
            // The chain holds only the hash of the worker id; the receipts name the worker, which is the one slashed
            // when its hash is the registry's owner of the key (else the key is registered under an id they do not name).
            var receiptsWorker = evidence.First.Receipt.WorkerId;
            var workerId = ReceiptReleaseCall.ChainId(receiptsWorker).AsSpan().SequenceEqual(signer) ? receiptsWorker : null;
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new
                {
                    job_id = evidence.First.Receipt.JobId,
                    evidence_hash = hash,
                    transaction = mined.TransactionHash.ToString(),
                    worker = worker?.ToChecksumString(),
                    worker_id = workerId,
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
                var named = workerId is null
                    ? $"the worker at {worker?.ToChecksumString()} (worker id hash {signerHex}, which holds the key, not the receipts' {receiptsWorker})"
                    : $"worker {workerId} at {worker?.ToChecksumString()} (worker id hash {signerHex})";
                run.Environment.Output.WriteLine($"slashed {named} for two results of job {evidence.First.Receipt.JobId} in transaction {mined.TransactionHash}: {fromActive + fromPending} of its stake to the treasury ({fromActive} active, {fromPending} pending); {ban}; evidence {hash}");
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
