// Design: the client's own way to be paid, or to pay its worker, without the operator: it needs the receipt file it
// already keeps, a node, a key with gas money and the ReceiptRelease contract's address. Nothing is asked of a silo.
// The file picks the call: an aggregated receipt releaseByProof with its signers; an executor's receipt signed in a
// batch releaseByBatchProof with its inclusion proof; an executor's receipt signed alone releaseByProof with the
// executor as the one signer (the last two only for a job whose threshold is 1). The contract checks everything
// (terms, job, signers, batch proof, signature); a refusal names the contract's error.
using System.CommandLine;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Contracts;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
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
        var rpc = new Option<string>("--rpc") { Description = "The node's JSON-RPC URL, e.g. http://127.0.0.1:8545.", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "A key that pays the gas: a file holding 32 bytes in hex. Anyone may claim; the executor is paid either way.", Required = true };
        var contract = new Option<string>("--contract") { Description = "The ReceiptRelease contract's address.", Required = true };
        var termsFile = new Option<string?>("--terms") { Description = "The job's terms file (from `marketplace job-terms --out`), stated on chain first when the chain has none for the job." };
        var command = new Command("claim", "Release a job's escrow on chain by its receipt, without the operator.") { receipt, rpc, keyFile, contract, termsFile };
        context.SetAction(command, async run =>
        {
            var url = ChainCommand.ParseUrl(run.Get(rpc)!);
            Address release;
            try
            {
                release = Address.Parse(run.Get(contract));
            }
            catch (Crypto.CryptoFormatException e)
            {
                throw CliException.Usage($"--contract: '{run.Get(contract)}' is not an address ({e.Message}).");
            }

            var (claimed, call) = Encode(await File.ReadAllBytesAsync(LocalFiles.Existing("--receipt", run.Get(receipt)), run.CancellationToken));

            var key = SettlementKeyLoader.TryLoad(new ChainSettlementOptions { PrivateKeyFile = Path.GetFullPath(run.Get(keyFile)!) }, out var problem)
                ?? throw new CliException("invalid_key", ExitCodes.Usage, $"--key-file: {problem}.");
            using var http = new HttpClient();
            var client = new EvmRpcClient(http, new EvmRpcClientOptions { Endpoint = url, RequestTimeout = TimeSpan.FromSeconds(30) });
            var sender = new TransactionSender(client, key, new NonceManager(client), new FeeEstimator(client));
            var abi = SettlementContracts.ReceiptRelease.Abi;
            if (run.Get(termsFile) is { } termsPath)
            {
                var terms = ReadTerms(await File.ReadAllBytesAsync(LocalFiles.Existing("--terms", termsPath), run.CancellationToken), claimed, release);
                await StateTermsAsync(new ContractClient(client, abi, release), sender, terms, run.CancellationToken);
            }

            TransactionReceipt mined;
            try
            {
                mined = await sender.SendAndWaitAsync(new TransactionRequest { To = release, Data = call }, run.CancellationToken);
            }
            catch (ContractRevertException e) when (e.Reason.Kind == RevertKind.Unknown)
            {
                throw new ContractRevertException(abi.DecodeRevert(e.Reason.Data), e.TransactionHash, e);
            }

            var released = new ContractClient(client, abi, release).DecodeEvents(mined, "ReleasedByProof");
            var paid = released.Count == 1 ? released[0].Values[3] : null;
            var executor = released.Count == 1 ? released[0].Values[2] as Address? : null;
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new
                {
                    job_id = claimed.JobId,
                    transaction = mined.TransactionHash.ToString(),
                    executor = executor?.ToChecksumString(),
                    paid = paid?.ToString(),
                });
            }
            else
            {
                run.Environment.Output.WriteLine($"released job {claimed.JobId} in transaction {mined.TransactionHash}: {paid} to {executor?.ToChecksumString()} ({claimed.WorkerId}), the rest to the client's balance in the Escrow");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Sends the signed terms unless the chain has terms for the job already (then the contract's own are
    /// the ones that count).</summary>
    private static async Task StateTermsAsync(ContractClient release, TransactionSender sender, ChainJobTerms terms, CancellationToken cancellationToken)
    {
        var stated = await release.CallAsync("termsOf", [ReceiptReleaseCall.ChainId(terms.JobId)], cancellationToken: cancellationToken);
        if (stated[1] is System.Numerics.BigInteger threshold && !threshold.IsZero)
        {
            return;
        }

        try
        {
            await sender.SendAndWaitAsync(new TransactionRequest { To = release.Address, Data = JobTermsSignature.EncodeSetTerms(terms) }, cancellationToken);
        }
        catch (ContractRevertException e) when (e.Reason.Kind == RevertKind.Unknown)
        {
            throw new ContractRevertException(release.Abi.DecodeRevert(e.Reason.Data), e.TransactionHash, e);
        }
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
