using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>programs [--name N] [--limit N] [--cursor C] [--all]</c>: a page of the catalog (or of one name's
/// versions) as a table; <c>--program REF</c> shows one program's details.</summary>
internal static class ProgramsCommand
{
    public static Command Create(CliContext context)
    {
        var reference = new Option<string?>("--program", "-p") { Description = "Show one program: id, name@version or name (latest)." };
        var name = new Option<string?>("--name") { Description = "List the versions deployed under this name only." };
        var pages = new PageOptions("programs");
        var command = new Command("programs", "List deployed programs, a page at a time (or show one with --program).") { reference, name };
        pages.AddTo(command);
        context.SetAction(command, async run =>
        {
            var request = pages.Resolve(run);
            var client = await run.ClientAsync().ConfigureAwait(false);
            if (run.Get(reference) is { } r)
            {
                ProgramView.Show(run, await client.GetProgramAsync(r, run.CancellationToken).ConfigureAwait(false));
            }
            else if (run.Get(name) is { } n)
            {
                ProgramView.List(run, await request.ReadAsync((cursor, limit, token) => client.ListProgramVersionsAsync(n, cursor, limit, token), run.CancellationToken).ConfigureAwait(false));
            }
            else
            {
                ProgramView.List(run, await request.ReadAsync((cursor, limit, token) => client.ListProgramsAsync(cursor, limit, token), run.CancellationToken).ConfigureAwait(false));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
