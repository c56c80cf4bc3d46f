using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.Cli.Signing;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>delegate --name N --to 0xADDR --key K [--revoke] [--nonce N]</c>: the owner of a program name grants
/// (or revokes) another address the right to deploy versions under it, with a signed statement.</summary>
internal static class DelegateCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "The program name.", Required = true };
        var to = new Option<string>("--to") { Description = "The delegate's address (0x + 40 hex).", Required = true };
        var revoke = new Option<bool>("--revoke") { Description = "Revoke the delegate instead of granting it." };
        var key = new Option<string?>("--key") { Description = "The owner's key file, the key that first deployed under the name (env MARKETPLACE_DEPLOYER_KEY)." };
        var nonce = new Option<long?>("--nonce") { Description = "The statement's nonce (default: one above the name's last delegation)." };
        var command = new Command("delegate", "Grant or revoke another key the right to deploy under a program name (signed by its owner).") { name, to, revoke, key, nonce };
        context.SetAction(command, async run =>
        {
            var programName = run.Get(name)!;
            if (!ProgramNames.IsValid(programName))
            {
                throw CliException.Usage($"--name: '{programName}' is not a program name (1-64 letters, digits, '-', '_' or '.').");
            }

            var delegateAddress = run.Get(to)!;
            try
            {
                ProgramDelegations.ParseDelegate(delegateAddress);
            }
            catch (InvalidRequestException e)
            {
                throw CliException.Usage("--to: " + e.Message["delegate: ".Length..]);
            }

            if (run.Get(nonce) is < 1)
            {
                throw CliException.Usage($"--nonce: {run.Get(nonce)} is not positive.");
            }

            var keyPath = run.Get(key) ?? run.Environment.GetVariable("MARKETPLACE_DEPLOYER_KEY")
                ?? throw CliException.Usage("--key: give the owner's key file (or set MARKETPLACE_DEPLOYER_KEY).");
            var signer = DeployerKeyFile.Read(keyPath);
            var client = await run.ClientAsync().ConfigureAwait(false);
            var next = run.Get(nonce)
                ?? (await client.GetProgramNameAsync(programName, run.CancellationToken).ConfigureAwait(false)).DelegationNonce + 1;
            var action = run.Get(revoke) ? DelegationAction.Revoke : DelegationAction.Grant;
            var delegation = DelegationSigning.Sign(programName, delegateAddress, action, next, signer);
            ProgramView.ShowName(run, await client.DelegateProgramNameAsync(delegation, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
