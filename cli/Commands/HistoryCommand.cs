using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>history --job J [--out FILE] [--head HEX]</c>: a job's log as a hash chain, checked before it is shown
/// or written; <c>history --ledger [--out FILE] [--head HEX]</c>: the settlement's journal likewise (operators);
/// <c>history --verify FILE [--head HEX]</c>: the same check offline, for either kind of file. Exit 0 and the head when
/// the chain holds (and extends <c>--head</c>, a head kept from an earlier look), <see cref="ExitCodes.ReceiptInvalid"/>
/// with <c>history_invalid</c> naming the first line or entry that fails otherwise.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Option<string?>("--job", "--id") { Description = "The job id (job + 32 hex): fetch its history from the silo." };
        var ledger = new Option<bool>("--ledger") { Description = "Fetch the settlement's journal (operators only) instead of a job's log." };
        var verify = new Option<string?>("--verify") { Description = "A history file (from `history --job J --out FILE` or `history --ledger --out FILE`) to check offline." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the history file here." };
        var head = new Option<string?>("--head") { Description = "A head (64 hex) kept from an earlier look: the history must extend it." };
        var command = new Command("history", "A job's log or the settlement's journal as a hash chain: fetched and checked, or checked offline from a file.") { job, ledger, verify, output, head };
        context.SetAction(command, async run =>
        {
            var (jobId, file) = (run.Get(job), run.Get(verify));
            if ((jobId is null ? 0 : 1) + (file is null ? 0 : 1) + (run.Get(ledger) ? 1 : 0) != 1)
            {
                throw new CliException("invalid_arguments", ExitCodes.Usage, "give one of --job J (fetch a job's log), --ledger (fetch the settlement's journal) or --verify FILE (offline)");
            }

            byte[] seen = [];
            if (run.Get(head) is { } hex)
            {
                seen = hex.Length == 64 && IsHex(hex)
                    ? Convert.FromHexString(hex)
                    : throw new CliException("invalid_arguments", ExitCodes.Usage, "--head must be 64 hex digits");
            }

            byte[]? bytes = null;
            if (file is not null)
            {
                bytes = await File.ReadAllBytesAsync(LocalFiles.Existing("--verify", file), run.CancellationToken).ConfigureAwait(false);
            }

            if (run.Get(ledger) || (bytes is not null && AggregatedReceiptJson.ReadKind(bytes) == LedgerHistory.HistoryKind))
            {
                var ledgerHistory = await LedgerHistoryExport.ReadAsync(run, bytes, seen).ConfigureAwait(false);
                if (run.Get(output) is { } ledgerOut && file is null)
                {
                    await WriteAsync(run, ledgerOut, LedgerHistoryJson.Serialize(ledgerHistory)).ConfigureAwait(false);
                }

                LedgerHistoryExport.Report(run, ledgerHistory);
                return ExitCodes.Ok;
            }

            JobHistory history;
            if (bytes is not null)
            {
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
                await WriteAsync(run, outPath, JobHistoryJson.Serialize(history)).ConfigureAwait(false);
            }

            Report(run, history);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Task<int> WriteAsync(VerbRun run, string path, byte[] json) =>
        LocalFiles.WriteAtomicallyAsync(path, async stream =>
        {
            await stream.WriteAsync(json, run.CancellationToken).ConfigureAwait(false);
            return json.Length;
        });

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

    internal static CliException Invalid(string what, string detail) =>
        new("history_invalid", ExitCodes.ReceiptInvalid, $"{what}: {string.Join(' ', detail.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))}");
}
