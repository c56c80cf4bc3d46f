using System.CommandLine;
using System.Text.Json;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Cli.Commands;

/// <summary><c>program-state --program P [--root R] [--out state.json]</c>: a program's whole state, now or at a past
/// root the marketplace still keeps, as the file <c>replay --state-file</c> reads.</summary>
internal static class ProgramStateCommand
{
    public static Command Create(CliContext context)
    {
        var program = new Option<string>("--program") { Description = "Program id or name[@version].", Required = true };
        var root = new Option<string?>("--root") { Description = "The state root (64 hex), e.g. a receipt's state_root_in; default: the current state." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the state file here (default or '-': stdout)." };
        var command = new Command("program-state", "Get a program's state (version, root, every entry), now or at a past root still kept.") { program, root, output };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            var state = await client.GetProgramStateAsync(run.Get(program)!, run.Get(root), run.CancellationToken).ConfigureAwait(false);
            var json = JsonSerializer.SerializeToUtf8Bytes(state, MarketplaceJson.Options);
            var path = run.Get(output);
            if (LocalFiles.IsStandardOutput(path))
            {
                run.Environment.Output.WriteLine(System.Text.Encoding.UTF8.GetString(json));
                return ExitCodes.Ok;
            }

            await LocalFiles.WriteAtomicallyAsync(path!, async file =>
            {
                await file.WriteAsync(json, run.CancellationToken).ConfigureAwait(false);
                return json.Length;
            }).ConfigureAwait(false);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { version = state.Version, root = state.Root, entries = state.Entries.Count, file = Path.GetFullPath(path!) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote version {state.Version} (root {state.Root}, {state.Entries.Count} entries) to {path}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
