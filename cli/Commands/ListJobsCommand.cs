using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Cli.Commands;

/// <summary><c>list-jobs [--status S] [--limit N] [--cursor C] [--all]</c>: this client's jobs, newest first, a page at
/// a time.</summary>
internal static class ListJobsCommand
{
    public static Command Create(CliContext context)
    {
        var names = Enum.GetValues<JobStatus>().Select(s => s.ToWireName()).ToArray();
        var status = new Option<string?>("--status", "-s") { Description = "Only jobs in this status." };
        status.AcceptOnlyFromAmong(names);
        var pages = new PageOptions("jobs");
        var command = new Command("list-jobs", "List this client's jobs, newest first, a page at a time.") { status };
        pages.AddTo(command);
        context.SetAction(command, async run =>
        {
            var request = pages.Resolve(run);
            JobStatus? filter = run.Get(status) is { } s ? Enum.GetValues<JobStatus>().First(v => v.ToWireName() == s) : null;
            var client = await run.ClientAsync().ConfigureAwait(false);
            JobView.List(run, await request.ReadAsync((cursor, limit, token) => client.ListJobsAsync(filter, limit, cursor, token), run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
