using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-logs --id J</c>: a job's log lines, oldest first.</summary>
internal static class JobLogsCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var command = new Command("job-logs", "Print a job's log lines.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            JobView.Logs(run, await client.GetJobLogsAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
