using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-receipt --id J [--out receipt.json]</c>: a finished job's signed execution receipt, as the
/// <c>receipt.json</c> file <c>verify-receipt</c> checks, to a file or stdout.</summary>
internal static class JobReceiptCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var output = new Option<string?>("--out", "-o") { Description = "Write the receipt file here (default or '-': stdout)." };
        var command = new Command("job-receipt", "Get a finished job's execution receipt signed by the worker that ran it.") { id, output };
        context.SetAction(command, async run =>
        {
            var outPath = run.Get(output);
            var client = await run.ClientAsync().ConfigureAwait(false);
            var signed = await client.GetJobReceiptAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false);
            var json = ReceiptJson.Serialize(signed);
            if (LocalFiles.IsStandardOutput(outPath))
            {
                run.Environment.Output.WriteLine(System.Text.Encoding.UTF8.GetString(json));
                return ExitCodes.Ok;
            }

            await LocalFiles.WriteAtomicallyAsync(outPath!, async file =>
            {
                await file.WriteAsync(json, run.CancellationToken).ConfigureAwait(false);
                return json.Length;
            }).ConfigureAwait(false);
            var hash = Convert.ToHexStringLower(signed.ReceiptHash);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { job_id = signed.Receipt.JobId, receipt_hash = hash, worker_id = signed.Receipt.WorkerId, file = Path.GetFullPath(outPath!) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote the receipt {hash} of {signed.Receipt.JobId} (worker {signed.Receipt.WorkerId}) to {outPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
