using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>submit-evidence evidence.json</c>: checks double-sign evidence offline, then hands it to the
/// marketplace, which applies the maximum penalty to the worker once. Evidence that does not check is refused before
/// anything is sent (<c>evidence_invalid</c>, exit 9); one the server refuses exits 3.</summary>
internal static class SubmitEvidenceCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The evidence file (from `marketplace evidence --out`)." };
        var command = new Command("submit-evidence", "Hand double-sign evidence to the marketplace: the worker that signed both results is penalised once.") { file };
        context.SetAction(command, async run =>
        {
            var (evidence, _) = await VerifyEvidenceCommand.ReadCheckedAsync(run.Get(file), run.CancellationToken).ConfigureAwait(false);
            var client = await run.ClientAsync().ConfigureAwait(false);
            var accepted = await client.SubmitEvidenceAsync(evidence, run.CancellationToken).ConfigureAwait(false);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new
                {
                    evidence_hash = accepted.EvidenceHash,
                    worker_id = accepted.WorkerId,
                    job_id = accepted.JobId,
                    accepted_at = accepted.AcceptedAt,
                    slashed = accepted.Slashed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    repeated = accepted.Repeated,
                });
            }
            else if (accepted.Repeated)
            {
                run.Environment.Output.WriteLine($"already accepted at {accepted.AcceptedAt:O}: evidence {accepted.EvidenceHash} against worker {accepted.WorkerId} (job {accepted.JobId}); nothing changed");
            }
            else
            {
                var slash = accepted.Slashed == 0 ? "no stake slashed (jobs are not paid through the ledger, or the worker held none)" : $"{accepted.Slashed} slashed from its stake";
                run.Environment.Output.WriteLine($"accepted: evidence {accepted.EvidenceHash}: worker {accepted.WorkerId} double-signed job {accepted.JobId}; banned with score 0, {slash}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
