// Design: the client's own way to be paid, or to pay its worker, without the operator: it needs the receipt file it
// already keeps, a node, a key with gas money and the ReceiptRelease contract's address. Nothing is asked of a silo.
// The file picks the call: an aggregated receipt releaseByProof with its signers; an executor's receipt signed in a
// batch releaseByBatchProof with its inclusion proof; an executor's receipt signed alone releaseByProof with the
// executor as the one signer (the last two only for a job whose threshold is 1). The contract checks everything
// (terms, job, signers, batch proof, signature); a refusal names the contract's error.
using System.CommandLine;
using Marketplace.Chain.Contracts;
using Marketplace.Cli.Output;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;

namespace Marketplace.Cli.Commands;

/// <summary><c>claim --receipt r.json --rpc URL --key-file F --contract ADDRESS</c>: releases a job's escrow on chain
/// by its aggregated receipt, or by its executor's receipt alone (batch-signed or not) for a job whose threshold is 1
/// (the <c>ReceiptRelease</c> contract). Needs no silo.</summary>
internal static class ClaimCommand
{
    public static Command Create(CliContext context)
    {
        var receipt = new Option<string>("--receipt") { Description = "The job's receipt file (from `marketplace job-receipt --out`): the aggregated one, or the executor's for a job whose threshold is 1.", Required = true };
        var chain = new ContractCallOptions("A key that pays the gas: a file holding 32 bytes in hex. Anyone may claim; the executor is paid either way.", "The ReceiptRelease contract's address.");
        var termsFile = new Option<string?>("--terms") { Description = "The job's terms file (from `marketplace job-terms --out`), stated on chain first when the chain has none for the job." };
        var command = new Command("claim", "Release a job's escrow on chain by its receipt, without the operator.") { receipt, termsFile };
        chain.AddTo(command);
        context.SetAction(command, async run =>
        {
            var release = chain.ContractAddress(run);

            var (claimed, call) = Encode(await File.ReadAllBytesAsync(LocalFiles.Existing("--receipt", run.Get(receipt)), run.CancellationToken));

            using var caller = chain.Open(run);
            var abi = SettlementContracts.ReceiptRelease.Abi;
            var contract = new ContractClient(caller.Rpc, abi, release);
            if (run.Get(termsFile) is { } termsPath)
            {
                var terms = ReadTerms(await File.ReadAllBytesAsync(LocalFiles.Existing("--terms", termsPath), run.CancellationToken), claimed, release);
                await StateTermsAsync(contract, caller, terms, run.CancellationToken);
            }

            var mined = await caller.SendAsync(release, call, abi, run.CancellationToken);
            var released = contract.DecodeEvents(mined, "ReleasedByProof");
            var paid = released.Count == 1 ? released[0].Values[3] as System.Numerics.BigInteger? : null;
            var fee = released.Count == 1 ? released[0].Values[5] as System.Numerics.BigInteger? : null;
            var executor = released.Count == 1 ? released[0].Values[2] as Address? : null;
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new
                {
                    job_id = claimed.JobId,
                    transaction = mined.TransactionHash.ToString(),
                    executor = executor?.ToChecksumString(),
                    paid = paid?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    committee_fee = fee?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            }
            else
            {
                run.Environment.Output.WriteLine($"released job {claimed.JobId} in transaction {mined.TransactionHash}: {paid} charged, {paid - fee} to {executor?.ToChecksumString()} ({claimed.WorkerId}) and {fee} shared by the other signers, the rest to the client's balance in the Escrow");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Sends the signed terms unless the chain has terms for the job already (then the contract's own are
    /// the ones that count).</summary>
    private static async Task StateTermsAsync(ContractClient release, ContractCaller caller, ChainJobTerms terms, CancellationToken cancellationToken)
    {
        var stated = await release.CallAsync("termsOf", [ReceiptReleaseCall.ChainId(terms.JobId)], cancellationToken: cancellationToken);
        if (stated[1] is System.Numerics.BigInteger threshold && !threshold.IsZero)
        {
            return;
        }

        await caller.SendAsync(release.Address, JobTermsSignature.EncodeSetTerms(terms), release.Abi, cancellationToken);
    }

    private static ChainJobTerms ReadTerms(byte[] bytes, ExecutionReceipt receipt, Address release)
    {
        ChainJobTerms terms;
        try
        {
            terms = ChainJobTermsJson.Parse(bytes);
        }
        catch (ReceiptFormatException e)
        {
            throw new CliException("terms_invalid", ExitCodes.ReceiptInvalid, "malformed: " + e.Message);
        }

        if (!string.Equals(terms.JobId, receipt.JobId, StringComparison.Ordinal))
        {
            throw new CliException("terms_invalid", ExitCodes.ReceiptInvalid, $"other_job: the terms are job {terms.JobId}'s, the receipt job {receipt.JobId}'s");
        }

        Address signedFor;
        try
        {
            signedFor = Address.Parse(terms.ReceiptRelease);
        }
        catch (Crypto.CryptoFormatException)
        {
            signedFor = Address.Zero;
        }

        if (signedFor != release)
        {
            throw new CliException("terms_invalid", ExitCodes.ReceiptInvalid, $"other_contract: the terms are signed for {terms.ReceiptRelease}, not --contract {release.ToChecksumString()}");
        }

        return terms;
    }

    /// <summary>The receipt in the file and the call that claims by it: <c>releaseByProof</c> for an aggregated receipt
    /// or one signed by its executor alone, <c>releaseByBatchProof</c> for one its executor signed in a batch.</summary>
    private static (ExecutionReceipt Receipt, byte[] Call) Encode(byte[] bytes)
    {
        try
        {
            switch (AggregatedReceiptJson.ReadKind(bytes))
            {
                case AggregatedReceipt.AggregatedKind:
                    var aggregated = AggregatedReceiptJson.Parse(bytes);
                    return (aggregated.Receipt, ReceiptReleaseCall.Encode(aggregated));
                case SignedExecutionReceipt.ExecutorKind:
                    var signed = ReceiptJson.Parse(bytes);
                    return (signed.Receipt, ReceiptReleaseCall.Encode(signed));
                default:
                    throw new CliException("receipt_invalid", ExitCodes.ReceiptInvalid, $"unknown_kind: only a receipt file of kind '{AggregatedReceipt.AggregatedKind}' or '{SignedExecutionReceipt.ExecutorKind}' can be claimed on chain");
            }
        }
        catch (ReceiptFormatException e)
        {
            throw new CliException("receipt_invalid", ExitCodes.ReceiptInvalid, "malformed: " + e.Message);
        }
        catch (Crypto.CryptoFormatException e)
        {
            throw new CliException("receipt_invalid", ExitCodes.ReceiptInvalid, "malformed: the signature: " + e.Message);
        }
    }
}
