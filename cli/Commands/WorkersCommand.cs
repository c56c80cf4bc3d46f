using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>workers</c>: registered workers with capabilities, load and reputation.</summary>
internal static class WorkersCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("workers", "List the registered workers.");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            WorkerView.List(run, await client.ListWorkersAsync(run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
