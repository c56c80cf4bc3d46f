using System.CommandLine;
using Marketplace.Cli.Commands;

namespace Marketplace.Cli;

/// <summary>The <c>marketplace</c> command line: parses <c>args</c>, runs one verb, returns the exit code.</summary>
internal static class MarketplaceCli
{
    public static RootCommand Build(CliEnvironment environment)
    {
        var context = new CliContext(environment);
        var root = new RootCommand("marketplace: blobs, programs, jobs, workers, storage and money of a Marketplace silo.")
        {
            UploadBlobCommand.Create(context),
            GetBlobCommand.Create(context),
            BlobAccessCommand.Create(context),
            ShareBlobCommand.Create(context),
            UnshareBlobCommand.Create(context),
            PublishBlobCommand.Create(context),
            UnpublishBlobCommand.Create(context),
            DeleteBlobCommand.Create(context),
            ClientCommand.Create(context),
            DeployCommand.Create(context),
            ProgramsCommand.Create(context),
            DelegateCommand.Create(context),
            DelegatesCommand.Create(context),
            SubmitJobCommand.Create(context),
            JobStatusCommand.Create(context),
            JobOutputCommand.Create(context),
            JobLogsCommand.Create(context),
            JobReceiptCommand.Create(context),
            JobTermsCommand.Create(context),
            HistoryCommand.Create(context),
            VerifyReceiptCommand.Create(context),
            ReplayCommand.Create(context),
            VerifyEvidenceCommand.Create(context),
            EvidenceCommand.Create(context),
            SubmitEvidenceCommand.Create(context),
            ProgramStateCommand.Create(context),
            CancelJobCommand.Create(context),
            ListJobsCommand.Create(context),
            WorkersCommand.Create(context),
            ReputationCommand.Create(context),
            KeygenCommand.Create(context),
            ChainCommand.Create(context),
            ClaimCommand.Create(context),
            SlashCommand.Create(context),
        };
        foreach (var command in DealCommands.Create(context).Concat(ProviderCommands.Create(context)).Concat(MoneyCommands.Create(context)))
        {
            root.Subcommands.Add(command);
        }

        context.AddGlobalOptions(root);
        return root;
    }

    /// <summary>Runs the command line. Parse errors print <c>error usage: ...</c> and return 1.</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = Build(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
            var messages = parse.Errors.Select(e => string.Join(' ', e.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            var message = string.Join(" ", messages.Distinct(StringComparer.Ordinal));
            await environment.Error.WriteLineAsync($"error usage: {message} (see `marketplace{verb} --help`)").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Output,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
