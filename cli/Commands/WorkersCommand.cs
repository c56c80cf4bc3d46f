using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>workers [--limit N] [--cursor C] [--all]</c>: registered workers with capabilities, load and
/// reputation, by id, a page at a time; <c>workers registry</c>: the key registry (<see cref="WorkerRegistryCommand"/>).</summary>
internal static class WorkersCommand
{
    public static Command Create(CliContext context)
    {
        var pages = new PageOptions("workers");
        var command = new Command("workers", "List the registered workers, a page at a time; 'workers registry' gets the key registry.");
        pages.AddTo(command);
        command.Subcommands.Add(WorkerRegistryCommand.Create(context));
        context.SetAction(command, async run =>
        {
            var request = pages.Resolve(run);
            var client = await run.ClientAsync().ConfigureAwait(false);
            WorkerView.List(run, await request.ReadAsync((cursor, limit, token) => client.ListWorkersAsync(cursor, limit, token), run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
