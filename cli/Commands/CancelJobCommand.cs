using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>cancel-job --id J</c>: cancels a job that has not finished (exit 3, job_conflict, if it has).</summary>
internal static class CancelJobCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var command = new Command("cancel-job", "Cancel a job that has not finished.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            JobView.Show(run, await client.CancelJobAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
