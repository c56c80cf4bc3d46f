using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>verify-evidence evidence.json</c>: checks double-sign evidence offline. Exit 0 and the evidence hash
/// when it proves a double sign, <see cref="ExitCodes.ReceiptInvalid"/> with <c>evidence_invalid</c> otherwise.</summary>
internal static class VerifyEvidenceCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The evidence file (from `marketplace evidence --out`)." };
        var command = new Command("verify-evidence", "Check double-sign evidence offline: one key signed two results of one job.") { file };
        context.SetAction(command, async run =>
        {
            var (evidence, hash) = await ReadCheckedAsync(run.Get(file), run.CancellationToken).ConfigureAwait(false);
            Report(run, evidence, hash);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Reads the evidence file at <paramref name="path"/> (given as <paramref name="option"/>) and checks it
    /// offline; the evidence and its hash, or <c>evidence_invalid</c>.</summary>
    internal static async Task<(DoubleSignEvidence Evidence, byte[] Hash)> ReadCheckedAsync(string? path, CancellationToken cancellationToken, string option = "file")
    {
        var bytes = await File.ReadAllBytesAsync(LocalFiles.Existing(option, path), cancellationToken).ConfigureAwait(false);
        DoubleSignEvidence evidence;
        try
        {
            evidence = DoubleSignEvidenceJson.Parse(bytes);
        }
        catch (ReceiptFormatException e)
        {
            throw Invalid("malformed", e.Message);
        }

        var check = DoubleSignEvidenceVerifier.Verify(evidence);
        return check.IsValid
            ? (evidence, check.EvidenceHash)
            : throw Invalid(GrainInterfaces.Json.MarketplaceJson.EnumName(check.Failure), check.Detail);
    }

    /// <summary>Prints valid evidence: its hash, the key, the job and the two receipt hashes.</summary>
    internal static void Report(VerbRun run, DoubleSignEvidence evidence, byte[] evidenceHash)
    {
        var hash = Convert.ToHexStringLower(evidenceHash);
        var key = Convert.ToHexStringLower(evidence.PublicKey);
        var first = Convert.ToHexStringLower(evidence.First.ReceiptHash);
        var second = Convert.ToHexStringLower(evidence.Second.ReceiptHash);
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new { valid = true, evidence_hash = hash, public_key = key, job_id = evidence.First.Receipt.JobId, first_receipt_hash = first, second_receipt_hash = second });
        }
        else
        {
            run.Environment.Output.WriteLine($"valid: evidence {hash}: key {key} signed receipts {first} and {second}, two different results of job {evidence.First.Receipt.JobId}");
        }
    }

    /// <summary>The <c>evidence_invalid</c> error (exit 9), on one line.</summary>
    internal static CliException Invalid(string what, string detail) =>
        new("evidence_invalid", ExitCodes.ReceiptInvalid, $"{what}: {string.Join(' ', detail.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))}");
}
