using System.CommandLine;
using System.Globalization;
using Marketplace.Cli.Output;
using Marketplace.Cli.Parsing;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;

namespace Marketplace.Cli.Commands;

/// <summary><c>replay receipt.json --program-file p.wasm (--input-file F | --input-blob ID | --input-text T)
/// [--arg A]... [--env K=V]... [--clock-start T] [--from-silo]</c>: re-runs the receipt's job locally on the workers'
/// engine configuration (<see cref="ReceiptReplay"/>) and compares the figures field by field. Exit 0 when every field
/// matches, <see cref="ExitCodes.ReplayMismatch"/> when any differs, <see cref="ExitCodes.Integrity"/> when the
/// program or input bytes are not the receipt's, <see cref="ExitCodes.ReplayUnsupported"/> for a run that read
/// program state.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The receipt file (from job-receipt --out; executor or aggregated)." };
        var programFile = new Option<string>("--program-file") { Description = "The program's module (.wasm); checked against the receipt's wasm_hash.", Required = true };
        var inputFile = new Option<string?>("--input-file") { Description = "The job's input bytes; checked against the receipt's input_hash." };
        var inputText = new Option<string?>("--input-text") { Description = "The job's input as text (UTF-8)." };
        var inputBlob = new Option<string?>("--input-blob") { Description = "The job's input blob, downloaded from the marketplace." };
        var args = new Option<string[]>("--arg") { Description = "WASI: the job's argument, argv[1..] in order (repeatable; --arg=-x for one starting with '-')." };
        var env = new Option<string[]>("--env") { Description = "WASI: the job's KEY=VALUE environment entry (repeatable)." };
        var clockStart = new Option<string?>("--clock-start") { Description = "WASI: the job's creation time, where CLOCK_REALTIME starts (ISO 8601; default: the job's with --from-silo, else the Unix epoch)." };
        var fromSilo = new Option<bool>("--from-silo") { Description = "Read the job (creation time, fuel and memory limits) and the program's manifest from the marketplace." };
        var fuel = new Option<long?>("--fuel") { Description = "Fuel budget (default: the job's with --from-silo; else the receipt's for out_of_fuel, the marketplace maximum otherwise)." };
        var memory = new Option<string?>("--memory") { Description = "Memory limit (default: the job's with --from-silo, else 64 MiB)." };
        var entrypoint = new Option<string?>("--entrypoint") { Description = "ONVM entrypoint without --from-silo (default onvm_main)." };
        var programName = new Option<string?>("--program-name") { Description = "WASI argv[0], the manifest's name, without --from-silo." };
        var stateFile = new Option<string?>("--state-file") { Description = "The program state the run read, as `marketplace program-state --root <state_root_in>` writes it (with --from-silo it is fetched when the run read state)." };
        var capabilities = new Option<string[]>("--capability") { Description = "ONVM capability the manifest grants, without --from-silo (repeatable: time, random)." };
        var command = new Command("replay", "Re-run a receipt's job locally on the workers' engine configuration and compare every field.")
        {
            file, programFile, inputFile, inputText, inputBlob, args, env, clockStart, fromSilo, fuel, memory, entrypoint, programName, capabilities, stateFile,
        };
        context.SetAction(command, async run =>
        {
            var receiptBytes = await File.ReadAllBytesAsync(LocalFiles.Existing("file", run.Get(file)), run.CancellationToken).ConfigureAwait(false);
            ExecutionReceipt receipt;
            try
            {
                receipt = ReceiptFile.Read(receiptBytes);
            }
            catch (ReceiptFormatException e)
            {
                throw new CliException("receipt_invalid", ExitCodes.ReceiptInvalid, "malformed: " + e.Message);
            }

            var wasm = await File.ReadAllBytesAsync(LocalFiles.Existing("--program-file", run.Get(programFile)), run.CancellationToken).ConfigureAwait(false);
            var givenInputs = (run.Get(inputFile) is null ? 0 : 1) + (run.Get(inputText) is null ? 0 : 1) + (run.Get(inputBlob) is null ? 0 : 1);
            if (givenInputs > 1)
            {
                throw CliException.Usage("give at most one of --input-file, --input-text and --input-blob.");
            }

            JobInfo? job = null;
            ProgramInfo? program = null;
            StateSnapshot? state = null;
            if (run.Get(stateFile) is { } statePath)
            {
                state = ReadState(await File.ReadAllBytesAsync(LocalFiles.Existing("--state-file", statePath), run.CancellationToken).ConfigureAwait(false));
            }

            byte[] input = [];
            if (run.Get(fromSilo) || run.Get(inputBlob) is not null)
            {
                var client = await run.ClientAsync().ConfigureAwait(false);
                if (run.Get(fromSilo))
                {
                    job = await client.GetJobAsync(receipt.JobId, run.CancellationToken).ConfigureAwait(false);
                    program = await client.GetProgramAsync(receipt.ProgramId, run.CancellationToken).ConfigureAwait(false);
                    var rootIn = Convert.ToHexStringLower(receipt.StateRootIn);
                    if (state is null && rootIn != ReceiptReplay.EmptyStateRoot)
                    {
                        state = await client.GetProgramStateAsync(receipt.ProgramId, rootIn, run.CancellationToken).ConfigureAwait(false);
                    }
                }

                if (run.Get(inputBlob) is { } blob)
                {
                    using var buffer = new MemoryStream();
                    await client.DownloadBlobAsync(blob, buffer, cancellationToken: run.CancellationToken).ConfigureAwait(false);
                    input = buffer.ToArray();
                }
            }

            if (run.Get(inputFile) is { } path)
            {
                input = await File.ReadAllBytesAsync(LocalFiles.Existing("--input-file", path), run.CancellationToken).ConfigureAwait(false);
            }
            else if (run.Get(inputText) is { } text)
            {
                input = System.Text.Encoding.UTF8.GetBytes(text);
            }

            var request = new ReceiptReplayRequest
            {
                Wasm = wasm,
                Input = input,
                Program = program,
                ProgramName = run.Get(programName),
                Entrypoint = run.Get(entrypoint),
                Capabilities = run.Get(capabilities) ?? [],
                Arguments = run.Get(args) ?? [],
                Environment = ValueText.Pairs("--env", run.Get(env)),
                ClockStart = run.Get(clockStart) is { } start ? ClockStart(start) : job?.CreatedAt,
                MaxFuel = run.Get(fuel) ?? (job is { MaxFuel: > 0 } ? job.MaxFuel : null),
                MaxMemoryBytes = run.Get(memory) is { } m ? ValueText.Bytes("--memory", m) : job is { MaxMemoryBytes: > 0 } ? job.MaxMemoryBytes : null,
                State = state,
            };

            ReceiptReplayReport report;
            using (var replay = new ReceiptReplay())
            {
                try
                {
                    report = await replay.ReplayAsync(receipt, request, run.CancellationToken).ConfigureAwait(false);
                }
                catch (ReceiptReplayException e)
                {
                    throw e.Refusal switch
                    {
                        ReceiptReplayRefusal.WasmHashMismatch => new CliException("wasm_hash_mismatch", ExitCodes.Integrity, e.Message),
                        ReceiptReplayRefusal.InputHashMismatch => new CliException("input_hash_mismatch", ExitCodes.Integrity, e.Message),
                        ReceiptReplayRefusal.StateRootMismatch => new CliException("state_root_mismatch", ExitCodes.Integrity, e.Message),
                        _ => new CliException("replay_refused", ExitCodes.Rejected, e.Message),
                    };
                }
            }

            Write(run, receipt, report);
            if (report.StatefulNotSupported)
            {
                await run.Environment.Error.WriteLineAsync(
                    $"error replay_stateful_unsupported: the run read program state at root {Convert.ToHexStringLower(receipt.StateRootIn)} and no state was given (--state-file, or --from-silo while the marketplace keeps that version); outcome, output, fuel and state roots were not replayed").ConfigureAwait(false);
                return report.Differences.Any() ? ExitCodes.ReplayMismatch : ExitCodes.ReplayUnsupported;
            }

            if (report.AllMatch)
            {
                return ExitCodes.Ok;
            }

            var hint = !run.Get(fromSilo) && report.Differences.Any(f => f.Name == "invocation_hash")
                ? "; the invocation (argv, environment, clock start, limits) is not the job's: pass --from-silo to read it from the marketplace, or give what the job had with --arg, --env, --program-name, --clock-start (the job's created_at), --fuel and --memory"
                : "";
            await run.Environment.Error.WriteLineAsync(
                "error replay_mismatch: " + string.Join(", ", report.Differences.Select(f => f.Name)) + " differ from the receipt" + hint).ConfigureAwait(false);
            return ExitCodes.ReplayMismatch;
        });
        return command;
    }

    /// <summary>Reads a state file (the JSON of <c>GET /v1/programs/{id}/state</c>).</summary>
    private static StateSnapshot ReadState(byte[] bytes)
    {
        try
        {
            var snapshot = System.Text.Json.JsonSerializer.Deserialize<StateSnapshot>(bytes, GrainInterfaces.Json.MarketplaceJson.Options);
            if (snapshot is null || snapshot.Entries.Exists(e => e?.Key is null || e.Value is null))
            {
                throw CliException.Usage("--state-file: not a program state file (entries with key and value are required).");
            }

            return snapshot;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw CliException.Usage("--state-file: not a program state file: " + e.Message);
        }
    }

    private static void Write(VerbRun run, ExecutionReceipt receipt, ReceiptReplayReport report)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new
            {
                job_id = receipt.JobId,
                attempt = receipt.Attempt,
                match = report.AllMatch,
                stateful_not_supported = report.StatefulNotSupported,
                fields = report.Fields.Select(f => new { name = f.Name, status = StatusName(f.Status), receipt = f.Receipt, replayed = f.Replayed }),
                error = report.Error,
            });
            return;
        }

        var output = run.Environment.Output;
        output.WriteLine($"replay of job {receipt.JobId} attempt {receipt.Attempt} (worker {receipt.WorkerId})");
        foreach (var field in report.Fields)
        {
            output.WriteLine(field.Status == ReplayFieldStatus.Match
                ? $"  {field.Name,-21} match         {field.Receipt}"
                : $"  {field.Name,-21} {StatusName(field.Status),-13} receipt {field.Receipt}, replay {field.Replayed ?? "-"}");
        }

        if (report.Fields.FirstOrDefault(f => f.Name == "engine_config_digest") is { Status: ReplayFieldStatus.Differs })
        {
            output.WriteLine("  note: this build's engine configuration digest is not the receipt's: the worker's silo ran other engine settings (Marketplace:Programs stack, memory, table or run-slot settings) or another build, so figures may differ for that reason alone");
        }

        if (report.Error is { } error && report.Fields[0].Status != ReplayFieldStatus.Match)
        {
            output.WriteLine($"  local run: {error}");
        }
    }

    private static string StatusName(ReplayFieldStatus status) => status switch
    {
        ReplayFieldStatus.Match => "match",
        ReplayFieldStatus.Differs => "DIFFERS",
        _ => "not replayed",
    };

    private static DateTimeOffset ClockStart(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw CliException.Usage($"--clock-start: '{text}' is not an ISO 8601 time.");
}
