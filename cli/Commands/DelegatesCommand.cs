using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>delegates --name N</c>: a program name's owner, delegates, delegation nonce and version count.</summary>
internal static class DelegatesCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "The program name.", Required = true };
        var command = new Command("delegates", "Show a program name's owner and the delegates allowed to deploy under it.") { name };
        context.SetAction(command, async run =>
        {
            var programName = run.Get(name)!;
            if (!ProgramNames.IsValid(programName))
            {
                throw CliException.Usage($"--name: '{programName}' is not a program name (1-64 letters, digits, '-', '_' or '.').");
            }

            var client = await run.ClientAsync().ConfigureAwait(false);
            ProgramView.ShowName(run, await client.GetProgramNameAsync(programName, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
