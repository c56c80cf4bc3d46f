using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.Cli.Signing;

namespace Marketplace.Cli.Commands;

/// <summary><c>keygen --out F [--force]</c>: creates a deployer key file (secp256k1, mode 0600). Needs no server.</summary>
internal static class KeygenCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out", "-o") { Description = "Where to write the key file.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var command = new Command("keygen", "Create a deployer key file (secp256k1; the deployer is its Ethereum address).") { output, force };
        context.SetAction(command, run =>
        {
            var path = run.Get(output)!;
            var key = DeployerKeyFile.Create(path, run.Get(force));
            var address = DeployerKeyFile.AddressOf(key);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { address, file = Path.GetFullPath(path) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote deployer key for {address} to {path} (mode 0600; keep it secret)");
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
