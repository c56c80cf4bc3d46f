using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>programs [--program REF]</c>: the catalog as a table, or one program's details.</summary>
internal static class ProgramsCommand
{
    public static Command Create(CliContext context)
    {
        var reference = new Option<string?>("--program", "-p") { Description = "Show one program: id, name@version or name (latest)." };
        var command = new Command("programs", "List deployed programs (or show one with --program).") { reference };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            if (run.Get(reference) is { } r)
            {
                ProgramView.Show(run, await client.GetProgramAsync(r, run.CancellationToken).ConfigureAwait(false));
            }
            else
            {
                ProgramView.List(run, await client.ListProgramsAsync(run.CancellationToken).ConfigureAwait(false));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
