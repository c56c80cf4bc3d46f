using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-terms --id J [--out terms.json]</c>: a completed job's terms for release on proof, signed by the
/// account that escrowed it on the chain. Kept with the job's receipt, they let <c>claim</c> release the escrow without
/// the operator.</summary>
internal static class JobTermsCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var output = new Option<string?>("--out", "-o") { Description = "Write the terms file here (default or '-': stdout)." };
        var command = new Command("job-terms", "Get a completed job's terms for release on proof, signed for the chain (keep them with its receipt for marketplace claim).") { id, output };
        context.SetAction(command, async run =>
        {
            var outPath = run.Get(output);
            var client = await run.ClientAsync().ConfigureAwait(false);
            var terms = await client.GetJobChainTermsAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false);
            var json = ChainJobTermsJson.Serialize(terms);
            if (!await LocalFiles.WriteFileOrStandardOutputAsync(run, outPath, json).ConfigureAwait(false))
            {
                return ExitCodes.Ok;
            }

            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { job_id = terms.JobId, price_per_million_fuel = terms.PricePerMillionFuel, threshold = terms.Threshold, receipt_release = terms.ReceiptRelease, file = Path.GetFullPath(outPath!) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote the terms of {terms.JobId} ({terms.PricePerMillionFuel} per million fuel, {terms.Threshold} signer(s), signed by {terms.Client} for {terms.ReceiptRelease} on chain {terms.ChainId}) to {outPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
