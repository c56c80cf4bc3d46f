// The `marketplace` CLI; cli/README.md documents verbs, options, environment variables and exit codes.
using Marketplace.Cli;

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

return await MarketplaceCli.RunAsync(args, CliEnvironment.ForProcess(), interrupt.Token);
