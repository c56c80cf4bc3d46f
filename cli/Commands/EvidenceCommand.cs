using System.CommandLine;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>evidence --first a.json --second b.json --out evidence.json</c>: builds double-sign evidence from two
/// executor-form receipt files signed by one key for one job with different results, offline.</summary>
internal static class EvidenceCommand
{
    public static Command Create(CliContext context)
    {
        var first = new Option<string>("--first") { Description = "One receipt file (executor form).", Required = true };
        var second = new Option<string>("--second") { Description = "The conflicting receipt file (executor form).", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write the evidence (default: standard output)." };
        var command = new Command("evidence", "Build double-sign evidence from two receipts one key signed for one job with different results.") { first, second, output };
        context.SetAction(command, async run =>
        {
            var a = await ReadAsync("--first", run.Get(first), run.CancellationToken).ConfigureAwait(false);
            var b = await ReadAsync("--second", run.Get(second), run.CancellationToken).ConfigureAwait(false);
            DoubleSignEvidence evidence;
            try
            {
                evidence = DoubleSignEvidence.From(a, b);
            }
            catch (NotConflictingException e)
            {
                throw VerifyEvidenceCommand.Invalid(GrainInterfaces.Json.MarketplaceJson.EnumName(e.Failure), e.Message);
            }

            var bytes = DoubleSignEvidenceJson.Serialize(evidence);
            var path = run.Get(output);
            if (LocalFiles.IsStandardOutput(path))
            {
                run.Environment.Output.WriteLine(System.Text.Encoding.UTF8.GetString(bytes));
                return ExitCodes.Ok;
            }

            await LocalFiles.WriteAtomicallyAsync(path!, async stream =>
            {
                await stream.WriteAsync(bytes, run.CancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            VerifyEvidenceCommand.Report(run, evidence, DoubleSignEvidenceVerifier.Verify(evidence).EvidenceHash);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<SignedExecutionReceipt> ReadAsync(string option, string? path, CancellationToken cancellationToken)
    {
        var full = LocalFiles.Existing(option, path);
        try
        {
            return ReceiptJson.Parse(await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false));
        }
        catch (ReceiptFormatException e)
        {
            throw VerifyEvidenceCommand.Invalid("malformed", $"{option}: {e.Message}");
        }
    }
}
