using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-status --id J</c>: a job's status, timestamps, fuel, retries and failure reason.</summary>
internal static class JobStatusCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var command = new Command("job-status", "Show a job's status.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            JobView.Show(run, await client.GetJobAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
