using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Cli.Commands;

/// <summary><c>list-jobs [--status S] [--limit N]</c>: this client's jobs, newest first.</summary>
internal static class ListJobsCommand
{
    public static Command Create(CliContext context)
    {
        var names = Enum.GetValues<JobStatus>().Select(s => s.ToWireName()).ToArray();
        var status = new Option<string?>("--status", "-s") { Description = "Only jobs in this status." };
        status.AcceptOnlyFromAmong(names);
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many jobs (1-1000).", DefaultValueFactory = _ => 50 };
        var command = new Command("list-jobs", "List this client's jobs, newest first.") { status, limit };
        context.SetAction(command, async run =>
        {
            var n = run.Get(limit);
            if (n is < 1 or > 1000)
            {
                throw CliException.Usage($"--limit: {n} is outside 1..1000.");
            }

            JobStatus? filter = run.Get(status) is { } s ? Enum.GetValues<JobStatus>().First(v => v.ToWireName() == s) : null;
            var client = await run.ClientAsync().ConfigureAwait(false);
            JobView.List(run, await client.ListJobsAsync(filter, n, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
