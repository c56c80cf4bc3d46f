using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-receipt --id J [--kind executor|aggregated] [--out receipt.json]</c>: a finished job's receipt, as
/// the <c>receipt.json</c> file <c>verify-receipt</c> checks, to a file or stdout: the executing worker's signed receipt
/// (default) or the committee's aggregated form.</summary>
internal static class JobReceiptCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var output = new Option<string?>("--out", "-o") { Description = "Write the receipt file here (default or '-': stdout)." };
        var kind = new Option<string>("--kind")
        {
            Description = "executor: the receipt signed by the worker that ran the job; aggregated: the committee's receipt with its aggregate signature.",
            DefaultValueFactory = _ => SignedExecutionReceipt.ExecutorKind,
        };
        kind.AcceptOnlyFromAmong(SignedExecutionReceipt.ExecutorKind, AggregatedReceipt.AggregatedKind);
        var command = new Command("job-receipt", "Get a finished job's receipt: signed by the worker that ran it, or aggregated by its committee.") { id, kind, output };
        context.SetAction(command, async run =>
        {
            var outPath = run.Get(output);
            var client = await run.ClientAsync().ConfigureAwait(false);
            byte[] json;
            ExecutionReceipt receipt;
            byte[] receiptHash;
            var signers = "";
            if (run.Get(kind) == AggregatedReceipt.AggregatedKind)
            {
                var aggregated = await client.GetJobAggregatedReceiptAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false);
                json = AggregatedReceiptJson.Serialize(aggregated);
                (receipt, receiptHash) = (aggregated.Receipt, aggregated.ReceiptHash);
                var signed = 0;
                foreach (var b in aggregated.SignerBitmap)
                {
                    signed += System.Numerics.BitOperations.PopCount(b);
                }

                signers = $", signed by {signed} of {aggregated.Members.Count} committee members";
            }
            else
            {
                var signed = await client.GetJobReceiptAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false);
                json = ReceiptJson.Serialize(signed);
                (receipt, receiptHash) = (signed.Receipt, signed.ReceiptHash);
            }

            if (!await LocalFiles.WriteFileOrStandardOutputAsync(run, outPath, json).ConfigureAwait(false))
            {
                return ExitCodes.Ok;
            }

            var hash = Convert.ToHexStringLower(receiptHash);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { job_id = receipt.JobId, kind = run.Get(kind), receipt_hash = hash, worker_id = receipt.WorkerId, file = Path.GetFullPath(outPath!) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote the receipt {hash} of {receipt.JobId} (worker {receipt.WorkerId}{signers}) to {outPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
