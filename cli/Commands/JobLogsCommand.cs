using System.CommandLine;
using Marketplace.Cli.Output;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-logs --id J [--limit N] [--cursor C]</c>: a job's log lines, oldest first; the whole log unless a
/// page is asked for.</summary>
internal static class JobLogsCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var pages = new PageOptions("lines", allByDefault: true);
        var command = new Command("job-logs", "Print a job's log lines.") { id };
        pages.AddTo(command);
        context.SetAction(command, async run =>
        {
            var request = pages.Resolve(run);
            var job = run.Get(id)!;
            var client = await run.ClientAsync().ConfigureAwait(false);
            JobView.Logs(run, await request.ReadAsync((cursor, limit, token) => client.GetJobLogsAsync(job, cursor, limit, token), run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
