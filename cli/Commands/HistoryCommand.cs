using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>history --job J [--out FILE] [--head HEX]</c>: a job's log as a hash chain, checked before it is shown
/// or written; <c>history --verify FILE [--head HEX]</c>: the same check offline. Exit 0 and the head when the chain
/// holds (and extends <c>--head</c>, a head kept from an earlier look), <see cref="ExitCodes.ReceiptInvalid"/> with
/// <c>history_invalid</c> naming the first line that fails otherwise.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Option<string?>("--job", "--id") { Description = "The job id (job + 32 hex): fetch its history from the silo." };
        var verify = new Option<string?>("--verify") { Description = "A history file (from `history --job J --out FILE`) to check offline." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the history file here." };
        var head = new Option<string?>("--head") { Description = "A head (64 hex) kept from an earlier look: the history must extend it." };
        var command = new Command("history", "A job's log as a hash chain: fetched and checked, or checked offline from a file.") { job, verify, output, head };
        context.SetAction(command, async run =>
        {
            var (jobId, file) = (run.Get(job), run.Get(verify));
            if ((jobId is null) == (file is null))
            {
                throw new CliException("invalid_arguments", ExitCodes.Usage, "give either --job J (fetch) or --verify FILE (offline)");
            }

            byte[] seen = [];
            if (run.Get(head) is { } hex)
            {
                seen = hex.Length == 64 && IsHex(hex)
                    ? Convert.FromHexString(hex)
                    : throw new CliException("invalid_arguments", ExitCodes.Usage, "--head must be 64 hex digits");
            }

            JobHistory history;
            if (file is not null)
            {
                var bytes = await File.ReadAllBytesAsync(LocalFiles.Existing("--verify", file), run.CancellationToken).ConfigureAwait(false);
                try
                {
                    history = JobHistoryJson.Parse(bytes);
                }
                catch (ReceiptFormatException e)
                {
                    throw Invalid("malformed", e.Message);
                }
            }
            else
            {
                var client = await run.ClientAsync().ConfigureAwait(false);
                history = await client.GetJobHistoryAsync(jobId!, run.CancellationToken).ConfigureAwait(false);
            }

            var check = JobHistoryChain.Verify(history, seen);
            if (!check.IsValid)
            {
                throw Invalid(GrainInterfaces.Json.MarketplaceJson.EnumName(check.Failure), check.Detail);
            }

            if (run.Get(output) is { } outPath && file is null)
            {
                var json = JobHistoryJson.Serialize(history);
                await LocalFiles.WriteAtomicallyAsync(outPath, async stream =>
                {
                    await stream.WriteAsync(json, run.CancellationToken).ConfigureAwait(false);
                    return json.Length;
                }).ConfigureAwait(false);
            }

            Report(run, history);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Report(VerbRun run, JobHistory history)
    {
        var headHex = Convert.ToHexStringLower(history.Head);
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new { valid = true, job_id = history.JobId, lines = history.Entries.Count, dropped_lines = history.DroppedLines, head = headHex });
            return;
        }

        foreach (var entry in history.Entries)
        {
            run.Environment.Output.WriteLine($"{entry.Sequence,5} {entry.Timestamp:O} {entry.Level,-5} {Convert.ToHexStringLower(entry.Hash)[..12]} {entry.Message}");
        }

        var gap = history.DroppedLines > 0 ? $", {history.DroppedLines} older lines dropped" : "";
        run.Environment.Output.WriteLine($"valid: history of {history.JobId}: {history.Entries.Count} lines chained{gap}; head {headHex}");
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static CliException Invalid(string what, string detail) =>
        new("history_invalid", ExitCodes.ReceiptInvalid, $"{what}: {string.Join(' ', detail.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))}");
}
